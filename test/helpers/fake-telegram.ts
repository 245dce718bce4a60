import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { InlineKeyboardButton, Message, Update, UserFromGetMe } from "grammy/types";

export const BOT_INFO: UserFromGetMe = {
  id: 424242,
  is_bot: true,
  first_name: "Bookings Admin",
  username: "bookings_admin_bot",
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
} as UserFromGetMe;

export type Payload = Record<string, unknown> & {
  chat_id?: number;
  message_id?: number;
  text?: string;
  reply_markup?: { inline_keyboard?: InlineKeyboardButton[][] };
};
export type ApiCall = { method: string; payload: Payload };
export type ApiFailure = { error_code: number; description: string; parameters?: { retry_after?: number } };

/**
 * A Bot API stand-in on 127.0.0.1: records every call, answers like Telegram (increasing
 * message ids, "message is not modified" on identical edits), and fails on request.
 * Works for the bot in this process and for child processes alike (it is real HTTP).
 */
export class FakeTelegram {
  readonly calls: ApiCall[] = [];
  /** Current text and keyboard of every message the bot sent, after edits. */
  readonly messages = new Map<string, Message>();
  private nextMessageId = 1;
  private failures: Array<{ method: string; failure: ApiFailure; times: number }> = [];
  private updates: Update[] = [];

  private constructor(
    private readonly server: Server,
    readonly apiRoot: string,
  ) {}

  static async start(): Promise<FakeTelegram> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeTelegram(server, `http://127.0.0.1:${port}`);
    server.on("request", (req, res) => void fake.handle(req, res));
    return fake;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The next `times` calls of `method` fail with this Telegram error. */
  failNext(method: string, failure: ApiFailure, times = 1): void {
    this.failures.push({ method, failure, times });
  }

  /** Queues updates for a polling bot (getUpdates). */
  pushUpdates(...updates: Update[]): void {
    this.updates.push(...updates);
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  message(chatId: number, messageId: number): Message | undefined {
    return this.messages.get(`${chatId}:${messageId}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const method = /\/bot[^/]+\/(\w+)$/.exec(req.url ?? "")?.[1] ?? "unknown";
    const body = Buffer.concat(chunks).toString("utf8");
    const payload = (body && req.headers["content-type"]?.includes("json") ? JSON.parse(body) : {}) as Payload;
    this.calls.push({ method, payload });

    const reply = (status: number, json: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(json));
    };
    const failure = this.takeFailure(method);
    if (failure) return reply(failure.error_code >= 500 ? failure.error_code : 200, { ok: false, ...failure });
    // A polling bot asks again at once when there is nothing: hold the answer briefly, like
    // Telegram's long polling, so the loop does not spin.
    if (method === "getUpdates" && this.updates.length === 0) await new Promise((r) => setTimeout(r, 100));
    try {
      reply(200, { ok: true, result: this.result(method, payload) });
    } catch (err) {
      reply(200, { ok: false, ...(err as ApiFailure) });
    }
  }

  private takeFailure(method: string): ApiFailure | undefined {
    const i = this.failures.findIndex((f) => f.method === method);
    if (i < 0) return undefined;
    const entry = this.failures[i]!;
    if (--entry.times <= 0) this.failures.splice(i, 1);
    return entry.failure;
  }

  private result(method: string, p: Payload): unknown {
    switch (method) {
      case "getMe":
        return BOT_INFO;
      case "getUpdates": {
        const updates = this.updates;
        this.updates = [];
        return updates;
      }
      case "sendMessage": {
        const message = {
          message_id: this.nextMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: p.chat_id, type: "private", first_name: "Student" },
          from: BOT_INFO,
          text: p.text,
          ...(p.reply_markup ? { reply_markup: p.reply_markup } : {}),
        } as Message;
        this.messages.set(`${p.chat_id}:${message.message_id}`, message);
        return message;
      }
      case "editMessageText": {
        const key = `${p.chat_id}:${p.message_id}`;
        const old = this.messages.get(key);
        if (!old) throw { error_code: 400, description: "Bad Request: message to edit not found" };
        const markup = p.reply_markup ?? undefined;
        if (old.text === p.text && JSON.stringify(old.reply_markup) === JSON.stringify(markup)) {
          throw {
            error_code: 400,
            description:
              "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
          };
        }
        const edited = { ...old, text: p.text, reply_markup: markup, edit_date: Math.floor(Date.now() / 1000) } as Message;
        this.messages.set(key, edited);
        return edited;
      }
      default:
        return true;
    }
  }
}
