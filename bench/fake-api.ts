import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Message } from "grammy/types";
import { ru } from "../src/bot/i18n";
import { BOT_INFO, type Payload } from "../test/helpers/fake-telegram";

const FAILURE_NOTICES = new Set<string>([ru.somethingWentWrong, ru.databaseUnavailable, ru.staleButton]);

/**
 * A lean Bot API stand-in for the benchmark. Unlike test/helpers/fake-telegram.ts it keeps no
 * call log (thousands of presses would grow it and skew the memory figures): only the current
 * state of each message and a count per method.
 */
export class BenchApi {
  readonly counts = new Map<string, number>();
  private readonly messages = new Map<string, Message>();
  private nextMessageId = 1;
  lastSent: Message | undefined;
  /** The last photo uploaded: whether its bytes are a PNG, and its caption. */
  lastPhoto: { png: boolean; caption: string | undefined } | undefined;
  /** Error notices the bot sent (generic failure, database down, stale button): a bench bug if any. */
  readonly failures: string[] = [];

  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    readonly apiRoot: string,
  ) {}

  static async start(): Promise<BenchApi> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const api = new BenchApi(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on("request", (req, res) => void api.handle(req, res));
    return api;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The message as it stands after edits. */
  current(message: Message): Message {
    return this.messages.get(`${message.chat.id}:${message.message_id}`) ?? message;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const method = /\/bot[^/]+\/(\w+)$/.exec(req.url ?? "")?.[1] ?? "unknown";
    const raw = Buffer.concat(chunks);
    const body = raw.toString("utf8");
    const p = (body && req.headers["content-type"]?.includes("json") ? JSON.parse(body) : {}) as Payload;
    this.counts.set(method, (this.counts.get(method) ?? 0) + 1);
    if (typeof p.text === "string" && FAILURE_NOTICES.has(p.text)) this.failures.push(`${method}: ${p.text}`);
    const send = (json: unknown) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(json));
    };
    if (method === "sendMessage") {
      const message = {
        message_id: this.nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: p.chat_id, type: "private", first_name: "Admin" },
        from: BOT_INFO,
        text: p.text,
        ...(p.reply_markup ? { reply_markup: p.reply_markup } : {}),
      } as Message;
      this.messages.set(`${p.chat_id}:${message.message_id}`, message);
      this.lastSent = message;
      return send({ ok: true, result: message });
    }
    if (method === "sendPhoto") {
      // Multipart: the caption is a plain field, the photo a file part.
      const caption = /name="?caption"?\r\n\r\n([\s\S]*?)\r\n--/.exec(body)?.[1];
      this.lastPhoto = { png: raw.includes(Buffer.from("\x89PNG", "latin1")), caption };
      return send({ ok: true, result: { message_id: this.nextMessageId++, date: 0, chat: { id: p.chat_id ?? 0, type: "private" }, photo: [] } });
    }
    if (method === "editMessageText") {
      const key = `${p.chat_id}:${p.message_id}`;
      const old = this.messages.get(key);
      if (!old) return send({ ok: false, error_code: 400, description: "Bad Request: message to edit not found" });
      if (old.text === p.text && JSON.stringify(old.reply_markup) === JSON.stringify(p.reply_markup)) {
        return send({ ok: false, error_code: 400, description: "Bad Request: message is not modified" });
      }
      const edited = { ...old, text: p.text, reply_markup: p.reply_markup, edit_date: Math.floor(Date.now() / 1000) } as Message;
      this.messages.set(key, edited);
      return send({ ok: true, result: edited });
    }
    send({ ok: true, result: method === "getMe" ? BOT_INFO : true });
  }
}
