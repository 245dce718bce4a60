import type { Bot } from "grammy";
import type { Message } from "grammy/types";
import { createBot } from "../src/bot";
import { packList } from "../src/bot/callback-data";
import type { BotContext, Deps } from "../src/bot/context";
import { filterName } from "../src/bot/format/list";
import { ru } from "../src/bot/i18n";
import { FILTERS } from "../src/bot/list-state";
import { parseConfig } from "../src/config";
import type { Database } from "../src/db/client";
import { createLogger } from "../src/logger";
import { BOT_INFO } from "../test/helpers/fake-telegram";
import { ADMIN, callbackUpdate, messageUpdate } from "../test/helpers/updates";
import { BenchApi } from "./fake-api";
import { memory, now, sample } from "./stats";
import type { Heavy } from "./targets";

const OLDER = "Старше ▶";
const NEWER = "◀ Новее";

/** The real bot on the fake API; every step feeds one real Update and times handleUpdate. */
export async function createBenchBot(database: Database) {
  const api = await BenchApi.start();
  const config = parseConfig({ BOT_TOKEN: "123456:BENCH-token-aaaaaaaaaaaaaaaa", ADMIN_IDS: String(ADMIN.id), LOG_LEVEL: "silent" });
  const deps: Deps = { config, logger: createLogger({ logLevel: "silent" }), db: database.db, clock: () => new Date() };
  const bot: Bot<BotContext> = createBot(deps, { botInfo: BOT_INFO, client: { apiRoot: api.apiRoot } });

  /** Feeds one update; throws if the bot answered with an error notice (then the figure would lie). */
  async function feed(update: Parameters<typeof bot.handleUpdate>[0]): Promise<void> {
    const failures = api.failures.length;
    await bot.handleUpdate(update);
    if (api.failures.length > failures) throw new Error(`the bot reported a failure: ${api.failures.at(-1)}`);
  }

  const send = async (text: string): Promise<Message> => {
    const before = api.lastSent;
    await feed(messageUpdate(text));
    if (!api.lastSent || api.lastSent === before) throw new Error(`no reply to ${text}`);
    return api.lastSent;
  };

  /** Data of the button with this label (or at this flat position) on the message as it stands. */
  function buttonData(message: Message, which: string | number): string | undefined {
    const buttons = api.current(message).reply_markup?.inline_keyboard.flat() ?? [];
    const button = typeof which === "number" ? buttons[which] : buttons.find((b) => b.text === which);
    return button && "callback_data" in button ? button.callback_data : undefined;
  }

  async function pressData(message: Message, data: string): Promise<Message> {
    await feed(callbackUpdate(api.current(message), data));
    return api.current(message);
  }

  async function press(message: Message, which: string | number): Promise<Message> {
    const data = buttonData(message, which);
    if (data === undefined) throw new Error(`no button ${which} on message ${message.message_id}`);
    return pressData(message, data);
  }

  return { api, bot, pageSize: config.pageSize, send, press, pressData, buttonData };
}

export type BenchBot = Awaited<ReturnType<typeof createBenchBot>>;

export type BrowsingResult = {
  rows: Array<{ label: string; samples: number[] }>;
  reached: { page50Offset: number; deepPage: number };
};

export async function measureBrowsing(
  b: BenchBot,
  database: Database,
  options: { repeat: number; rows: number; heavy: Heavy; deepPage: number },
): Promise<BrowsingResult> {
  const { repeat, heavy, deepPage } = options;
  const out: BrowsingResult["rows"] = [];

  out.push({ label: "/bookings (first page, all)", samples: await sample(repeat, () => b.send("/bookings")) });

  // Filter buttons are the first five of the keyboard; each press switches to another filter.
  const list = await b.send("/bookings");
  const order = [1, 2, 3, 4, 0]; // new, pending, confirmed, cancelled, all
  const perFilter = order.map(() => [] as number[]);
  for (let r = 0; r < repeat; r++) {
    for (const [k, i] of order.entries()) {
      const started = now();
      await b.press(list, i);
      perFilter[k]!.push(now() - started);
    }
  }
  for (const [k, i] of order.entries()) {
    out.push({ label: `press filter "${filterName(FILTERS[i]!, ru)}" (first page)`, samples: perFilter[k]! });
  }

  // Page 50 the way an admin gets there: 49 presses of "Старше ▶"; then back and forth 49 ↔ 50.
  let msg = await b.send("/bookings");
  const early: number[] = [];
  for (let page = 2; page <= 49; page++) {
    const started = now();
    msg = await b.press(msg, OLDER);
    early.push(now() - started);
  }
  out.push({ label: `press "${OLDER}" pages 2–49`, samples: early });
  const page50: number[] = [];
  for (let r = 0; r < repeat; r++) {
    const started = now();
    msg = await b.press(msg, OLDER);
    page50.push(now() - started);
    msg = await b.press(msg, NEWER);
  }
  out.push({ label: `press "${OLDER}" → page 50`, samples: page50 });
  msg = await b.press(msg, OLDER);
  const page50Offset = positionOf(msg.text ?? "");

  // The deep page: the data of the "Older ▶" button on the page before it.
  const anchor = await anchorBefore(database, deepPage, b.pageSize, {});
  const deepData = packList({ filter: "all", anchor: { dir: "older", id: anchor }, offset: (deepPage - 1) * b.pageSize });
  const deep: number[] = [];
  for (let r = 0; r < repeat; r++) {
    const started = now();
    msg = await b.pressData(msg, deepData);
    deep.push(now() - started);
    if (r === 0 && positionOf(msg.text ?? "") !== (deepPage - 1) * b.pageSize + 1) {
      throw new Error(`deep press did not land on page ${deepPage}: ${msg.text?.split("\n")[1]}`);
    }
    msg = await b.press(msg, NEWER);
  }
  out.push({ label: `press "${OLDER}" → page ${deepPage.toLocaleString("en-US")} (built data)`, samples: deep });

  out.push({ label: `/user <id> (${heavy.bookings} bookings)`, samples: await sample(repeat, () => b.send(`/user ${heavy.userId}`)) });
  out.push({ label: `/user @username (same)`, samples: await sample(repeat, () => b.send(`/user @${heavy.username}`)) });
  // Bookings spread over the table, different every time.
  out.push({
    label: "/booking <id>",
    samples: await sample(repeat, (i) => b.send(`/booking ${1 + ((i * 7919 + 13) % options.rows)}`)),
  });
  return { rows: out, reached: { page50Offset, deepPage } };
}

/** "Фильтр: <b>Все</b> · 981–1,000 из …" → 981. */
function positionOf(text: string): number {
  const m = /· ([\d,\s  ]+)–/.exec(text);
  return m ? Number(m[1]!.replace(/\D/g, "")) : NaN;
}

/** The id of the last row of page `page - 1` (newest first): the anchor a "Старше ▶" press would carry. */
export async function anchorBefore(database: Database, page: number, pageSize: number, scope: { status?: number }): Promise<number> {
  const where = scope.status === undefined ? "" : `WHERE confirmed = ${scope.status}`;
  const [row] = await database.query<{ id: number }>(
    `SELECT id FROM bookings ${where} ORDER BY created_at DESC, id DESC OFFSET $1 LIMIT 1`,
    [(page - 1) * pageSize - 1],
  );
  if (!row) throw new Error(`no row before page ${page}`);
  return Number(row.id);
}

/** Pages through the whole list with "Старше ▶" (or `maxPages`), timing every press, and the memory before and after. */
export async function pageThrough(b: BenchBot, maxPages: number) {
  const before = memory();
  let msg = await b.send("/bookings");
  const samples: number[] = [];
  const started = now();
  while (samples.length < maxPages - 1 && b.buttonData(msg, OLDER)) {
    const t = now();
    msg = await b.press(msg, OLDER);
    samples.push(now() - t);
  }
  const seconds = (now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 200));
  return { pages: samples.length + 1, samples, seconds, before, after: memory(), reachedEnd: !b.buttonData(msg, OLDER) };
}
