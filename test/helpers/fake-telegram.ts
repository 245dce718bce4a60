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
  caption?: string;
  reply_markup?: { inline_keyboard?: InlineKeyboardButton[][] };
};
export type ApiCall = {
  method: string;
  payload: Payload;
  /** When the request arrived (epoch ms), for rate checks on the log. */
  at: number;
  /** How it was answered: "ok", a Telegram error code, or undefined while (or if never) answered. */
  outcome?: "ok" | number;
  /** The id of the message it sent or edited, once answered. */
  messageId?: number;
};
export type ApiFailure = { error_code: number; description: string; parameters?: { retry_after?: number } };
/**
 * Telegram's flood limits, enforced with 429 + retry_after like the real thing: a call beyond
 * them is refused, and so is every counted call inside the `retry_after` window that refusal
 * announced (to all chats after the overall limit, to that chat after its own).
 * - `perSecond`: counted calls to all chats together in any second;
 * - `perChatMs`: least time between two new messages to one private chat;
 * - `groupPerMinute`: counted calls to one group in any 60 s (retry_after until one leaves the window);
 * - `countChanges`: edits and deletions count too (overall and in groups), not only new messages.
 */
export type ApiLimits = { perSecond?: number; perChatMs?: number; retryAfter?: number; groupPerMinute?: number; countChanges?: boolean };

/** Edits and deletions: counted only when `countChanges` is on. */
const CHANGE_METHODS: ReadonlySet<string> = new Set(["editMessageText", "editMessageCaption", "editMessageMedia", "editMessageReplyMarkup", "deleteMessage"]);

/** Methods that send a message to a chat: rate limits, failChat and delivered() count them all. */
export const SEND_METHODS: ReadonlySet<string> = new Set(["sendMessage", "sendPhoto", "sendDocument", "copyMessage"]);

/** `method` "send": any of SEND_METHODS. */
type Matcher = { method: string; chatId?: number };

/**
 * What the real Bot API would refuse in this call: text over 4,096 characters, a caption over
 * 1,024, an answerCallbackQuery text over 200, callback_data over 64 bytes (or empty), an empty
 * keyboard row. Lengths are counted in UTF-16 units before entity parsing: stricter than Telegram,
 * which counts the text after its HTML is parsed.
 */
export function telegramLimitProblems(method: string, payload: Payload): string[] {
  const problems: string[] = [];
  const text = typeof payload.text === "string" ? payload.text : undefined;
  if (method === "answerCallbackQuery") {
    if (text !== undefined && text.length > 200) problems.push(`${method}: text over 200 characters (${text.length})`);
  } else if (text !== undefined && text.length > 4096) {
    problems.push(`${method}: text over 4096 characters (${text.length})`);
  }
  if (typeof payload.caption === "string" && payload.caption.length > 1024) problems.push(`${method}: caption over 1024 characters (${payload.caption.length})`);
  const mediaCaption = (payload.media as { caption?: unknown } | undefined)?.caption;
  if (typeof mediaCaption === "string" && mediaCaption.length > 1024) problems.push(`${method}: media caption over 1024 characters (${mediaCaption.length})`);
  for (const row of payload.reply_markup?.inline_keyboard ?? []) {
    if (row.length === 0) problems.push(`${method}: empty keyboard row in ${JSON.stringify(payload.reply_markup)}`);
    for (const button of row) {
      const data = (button as { callback_data?: string }).callback_data;
      if (data !== undefined && (data.length === 0 || Buffer.byteLength(data) > 64)) problems.push(`${method}: callback_data not 1-64 bytes: ${data}`);
    }
  }
  return problems;
}

/**
 * A file upload (sendDocument) as grammY writes it (lenient multipart: unquoted filenames, no
 * spaces after colons, which strict parsers refuse). Plain fields come back as values, and a
 * field naming a part by `attach://<name>` as that part's `{ filename, bytes }`.
 */
function parseMultipart(raw: Buffer, type: string): Payload {
  const boundary = /boundary=(.+)$/.exec(type)?.[1];
  if (!boundary) return {};
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Array<{ name: string; filename?: string; bytes: Buffer }> = [];
  let start = raw.indexOf(delimiter);
  while (start >= 0) {
    const next = raw.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = raw.subarray(start + delimiter.length + 2, next - 2); // skip CRLF after and before
    const split = part.indexOf("\r\n\r\n");
    const head = part.subarray(0, split).toString("utf8");
    const name = /name="?([^";\r\n]+)"?/i.exec(head)?.[1] ?? "";
    const filename = /filename="?([^";\r\n]+)"?/i.exec(head)?.[1];
    parts.push({ name, ...(filename ? { filename } : {}), bytes: part.subarray(split + 4) });
    start = next;
  }
  const files = new Map(parts.filter((p) => p.filename).map((p) => [p.name, p]));
  const payload: Record<string, unknown> = {};
  for (const p of parts.filter((p) => !p.filename)) {
    const value = p.bytes.toString("utf8");
    const attached = /^attach:\/\/(.+)$/.exec(value)?.[1];
    const file = attached ? files.get(attached) : undefined;
    payload[p.name] = file ? { filename: file.filename, bytes: file.bytes } : /^[[{]/.test(value) ? JSON.parse(value) : /^-?\d+$/.test(value) ? Number(value) : value;
  }
  return payload as Payload;
}

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
  private failures: Array<Matcher & { failure: ApiFailure; times: number }> = [];
  private delays: Array<Matcher & { ms: number; times: number }> = [];
  private updates: Update[] = [];
  private limits: ApiLimits | undefined;
  private recentSends: number[] = [];
  private lastSendToChat = new Map<number, number>();
  private recentToGroup = new Map<number, number[]>();
  /** Until when (epoch ms) a 429's retry_after holds every send, or one chat's. */
  private blockedUntil = 0;
  private chatBlockedUntil = new Map<number, number>();
  /** 429s answered because `enforceLimits` was exceeded. */
  rateLimited = 0;
  /** Called when a send succeeded, just before its answer is written (e.g. to kill the sender then). */
  beforeAnswer: ((call: ApiCall) => void) | undefined;
  /** Called for every call answered (ok or not), after its outcome is set. */
  afterAnswer: ((call: ApiCall) => void) | undefined;
  /** Calls the real Bot API would have refused for a limit (answered 400 here too); tests expect none. */
  readonly violations: string[] = [];

  private constructor(
    private readonly server: Server,
    readonly apiRoot: string,
  ) {}

  /** On a free port, or on `port` (a test that first finds the Bot API unreachable there). */
  static async start(on = 0): Promise<FakeTelegram> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(on, "127.0.0.1", resolve));
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

  /** The next `times` (default: every) sends (text, photo, document, copy) to this chat fail with this error. */
  failChat(chatId: number, failure: ApiFailure, times = Number.POSITIVE_INFINITY): void {
    this.failures.push({ method: "send", chatId, failure, times });
  }

  /** The next `times` calls of `method` (to `chatId`, if given) are answered after `ms`; `Infinity`: never. */
  delayNext(method: string, ms: number, times = 1, chatId?: number): void {
    this.delays.push({ method, ms, times, ...(chatId === undefined ? {} : { chatId }) });
  }

  /** Answers sendMessage with 429 + retry_after beyond these rates (counted over accepted sends). */
  enforceLimits(limits: ApiLimits): void {
    this.limits = limits;
  }

  /** Messages delivered, in order (texts or captions as sent; failed and unanswered calls excluded). */
  delivered(): Array<{ chatId: number; text: string; at: number; method: string }> {
    return this.calls
      .filter((c) => SEND_METHODS.has(c.method) && c.outcome === "ok")
      .map((c) => ({ chatId: c.payload.chat_id!, text: (c.payload.text ?? c.payload.caption ?? "") as string, at: c.at, method: c.method }));
  }

  /** Queues updates for a polling bot (getUpdates). */
  pushUpdates(...updates: Update[]): void {
    this.updates.push(...updates);
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** A message people sent the bot, so the bot can copy it (`copyMessage` finds it as Telegram would). */
  remember(message: Message | undefined): void {
    if (message) this.messages.set(`${message.chat.id}:${message.message_id}`, message);
  }

  message(chatId: number, messageId: number): Message | undefined {
    return this.messages.get(`${chatId}:${messageId}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Stamped before the body is read, so the log's times are the requests' arrival.
    const at = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const method = /\/bot[^/]+\/(\w+)$/.exec(req.url ?? "")?.[1] ?? "unknown";
    const raw = Buffer.concat(chunks);
    const type = req.headers["content-type"] ?? "";
    const payload = (type.includes("json") && raw.length ? JSON.parse(raw.toString("utf8")) : type.includes("multipart") ? parseMultipart(raw, type) : {}) as Payload;
    const call: ApiCall = { method, payload, at };
    this.calls.push(call);

    const reply = (status: number, json: unknown) => {
      this.afterAnswer?.(call);
      if (res.destroyed) return;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(json));
    };
    const fail = (failure: ApiFailure) => {
      call.outcome = failure.error_code;
      // As Telegram: the HTTP status is the error code (400, 403, 429, 5xx).
      reply(failure.error_code, { ok: false, ...failure });
    };
    const refused = telegramLimitProblems(method, payload);
    if (refused.length > 0) {
      this.violations.push(...refused);
      return fail({ error_code: 400, description: `Bad Request: ${refused.join("; ")}` });
    }
    const limited = this.checkLimits(call);
    if (limited) return fail(limited);
    const delay = this.take(this.delays, call);
    if (delay) {
      if (delay.ms === Number.POSITIVE_INFINITY) return; // never answered; close() drops the socket
      await new Promise((r) => setTimeout(r, delay.ms));
    }
    const failure = this.take(this.failures, call)?.failure;
    if (failure) return fail(failure);
    // A polling bot asks again at once when there is nothing: hold the answer briefly, like
    // Telegram's long polling, so the loop does not spin.
    if (method === "getUpdates" && this.updates.length === 0) await new Promise((r) => setTimeout(r, 100));
    let result: unknown;
    try {
      result = this.result(method, payload);
    } catch (err) {
      return fail(err as ApiFailure);
    }
    call.outcome = "ok";
    const answered = (result as { message_id?: unknown } | null)?.message_id;
    if (typeof answered === "number") call.messageId = answered;
    if (SEND_METHODS.has(method)) this.beforeAnswer?.(call);
    reply(200, { ok: true, result });
  }

  private take<T extends Matcher & { times: number }>(list: T[], call: ApiCall): T | undefined {
    const i = list.findIndex(
      (f) => (f.method === call.method || (f.method === "send" && SEND_METHODS.has(call.method))) && (f.chatId === undefined || f.chatId === call.payload.chat_id),
    );
    if (i < 0) return undefined;
    const entry = list[i]!;
    if (--entry.times <= 0) list.splice(i, 1);
    return entry;
  }

  private checkLimits(call: ApiCall): ApiFailure | undefined {
    const limits = this.limits;
    const send = SEND_METHODS.has(call.method);
    if (!limits || !(send || (limits.countChanges && CHANGE_METHODS.has(call.method)))) return undefined;
    const now = call.at;
    const chatId = call.payload.chat_id ?? 0;
    const refuse = (untilMs: number): ApiFailure => {
      this.rateLimited++;
      const retryAfter = Math.max(1, Math.ceil((untilMs - now) / 1000));
      return { error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } };
    };
    const windowEnd = Math.max(this.blockedUntil, this.chatBlockedUntil.get(chatId) ?? 0);
    if (now < windowEnd) return refuse(windowEnd);
    while (this.recentSends.length > 0 && this.recentSends[0]! <= now - 1000) this.recentSends.shift();
    const overall = limits.perSecond !== undefined && this.recentSends.length >= limits.perSecond;
    const last = this.lastSendToChat.get(chatId);
    const perChat = send && chatId > 0 && limits.perChatMs !== undefined && last !== undefined && now - last < limits.perChatMs;
    const inGroup = chatId < 0 ? (this.recentToGroup.get(chatId) ?? []).filter((at) => at > now - 60_000) : [];
    const group = limits.groupPerMinute !== undefined && inGroup.length >= limits.groupPerMinute;
    if (overall || perChat || group) {
      // A group waits until its oldest call of the minute leaves the window, as Telegram's ~40 s.
      const until = group && !overall ? inGroup[0]! + 60_000 : now + (limits.retryAfter ?? 1) * 1000;
      if (overall) this.blockedUntil = until;
      else this.chatBlockedUntil.set(chatId, until);
      return refuse(until);
    }
    this.recentSends.push(now);
    if (send) this.lastSendToChat.set(chatId, now);
    if (chatId < 0) this.recentToGroup.set(chatId, [...inGroup, now]);
    return undefined;
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
      case "sendMessage":
        return this.store(p, { text: p.text });
      case "sendPhoto":
        return this.store(p, { photo: [{ ...fileOf(p.photo, "photo", {}), width: 1280, height: 960 }], ...captionOf(p) });
      case "sendDocument":
        return this.store(p, { document: fileOf(p.document, "doc", {}), ...captionOf(p) });
      case "copyMessage": {
        const source = this.messages.get(`${p.from_chat_id}:${p.message_id}`);
        if (!source) throw { error_code: 400, description: "Bad Request: message to copy not found" };
        const { message_id: _id, chat: _chat, date: _date, from: _from, reply_markup: _markup, edit_date: _edited, ...content } = source as Message & { edit_date?: number };
        const copy = this.store(p, { ...content, ...(p.caption !== undefined ? captionOf(p) : {}) });
        return { message_id: copy.message_id };
      }
      case "editMessageText":
        return this.edit(p, (old) => {
          if (old.text === undefined) throw { error_code: 400, description: "Bad Request: there is no text in the message to edit" };
          return { text: p.text };
        }, { refuseUnchanged: true });
      case "editMessageReplyMarkup":
        // Without reply_markup Telegram takes the buttons away.
        return this.edit(p, () => ({}), { refuseUnchanged: true });
      case "editMessageMedia":
        return this.edit(p, (old) => {
          const media = p.media as { type: string; media: string; caption?: string };
          const content = media.type === "photo" ? { photo: [{ ...fileOf(media.media, "photo", {}), width: 1280, height: 960 }] } : { document: fileOf(media.media, "doc", {}) };
          const { photo: _photo, document: _document, caption: _caption, ...rest } = old;
          return { replace: rest, ...content, ...(media.caption !== undefined ? { caption: media.caption } : {}) };
        });
      case "editMessageCaption":
        return this.edit(p, (old) => {
          if (old.photo === undefined && old.document === undefined) throw { error_code: 400, description: "Bad Request: there is no caption in the message to edit" };
          return captionOf(p);
        });
      case "deleteMessage": {
        // As Telegram: a message is deleted once, and a bot's own only within 48 hours.
        const key = `${p.chat_id}:${p.message_id}`;
        const old = this.messages.get(key);
        if (!old) throw { error_code: 400, description: "Bad Request: message to delete not found" };
        if (Date.now() / 1000 - old.date > 48 * 3600) throw { error_code: 400, description: "Bad Request: message can't be deleted for everyone" };
        this.messages.delete(key);
        return true;
      }
      default:
        return true;
    }
  }

  /**
   * An edit of a message the bot sent, as Telegram answers it: 400 when the message is unknown, or
   * (`refuseUnchanged`, for text and buttons) when nothing would change; the buttons are
   * `reply_markup`'s, none without it. `change` gives the new content (and, as `replace`, the
   * message without what it drops).
   */
  private edit(p: Payload, change: (old: Message) => Partial<Message> & { replace?: Partial<Message> }, { refuseUnchanged = false } = {}): Message {
    const key = `${p.chat_id}:${p.message_id}`;
    const old = this.messages.get(key);
    if (!old) throw { error_code: 400, description: "Bad Request: message to edit not found" };
    const { replace, ...content } = change(old);
    const edited = { ...(replace ?? old), ...content, reply_markup: p.reply_markup ?? undefined } as Message;
    const same = (m: Message) => JSON.stringify({ ...m, edit_date: undefined });
    if (refuseUnchanged && same(edited) === same(old)) {
      throw {
        error_code: 400,
        description:
          "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
      };
    }
    const stamped = { ...edited, edit_date: Math.floor(Date.now() / 1000) } as Message;
    this.messages.set(key, stamped);
    return stamped;
  }

  /** A message the bot sent, kept (with later edits) for `message()` and for pressing its buttons. */
  private store(p: Payload, content: Partial<Message>): Message {
    const chatId = p.chat_id!;
    const message = {
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      // Negative ids are groups, as in Telegram (the admin group's presses arrive from there).
      chat: chatId < 0 ? { id: chatId, type: "supergroup", title: "Admins" } : { id: chatId, type: "private", first_name: "Student" },
      from: BOT_INFO,
      ...content,
      ...(p.reply_markup ? { reply_markup: p.reply_markup } : {}),
    } as Message;
    this.messages.set(`${chatId}:${message.message_id}`, message);
    return message;
  }
}

let nextFile = 1;

/** A file sent by id keeps it (as Telegram does for a re-sent file); an upload gets a new one. */
function fileOf(sent: unknown, prefix: string, extra: Record<string, unknown>) {
  const n = nextFile++;
  const fileId = typeof sent === "string" ? sent : `${prefix}-${n}`;
  const filename = typeof sent === "object" && sent !== null ? (sent as { filename?: string }).filename : undefined;
  return { file_id: fileId, file_unique_id: `u-${fileId}`, ...(filename ? { file_name: filename } : {}), ...extra };
}

function captionOf(p: Payload) {
  return typeof p.caption === "string" ? { caption: p.caption } : {};
}
