import type { Bot } from "grammy";
import type { Message } from "grammy/types";
import { createBot } from "../src/bot";
import { packList } from "../src/bot/callback-data";
import type { BotContext, Deps } from "../src/bot/context";
import { renderDailyChartPng } from "../src/bot/format/chart";
import { filterName } from "../src/bot/format/list";
import { formatCount } from "../src/bot/format/values";
import { loadDailyBookings } from "../src/db/queries/stats";
import { ru } from "../src/bot/i18n";
import { FILTERS } from "../src/bot/list-state";
import { parseConfig } from "../src/config";
import type { Database } from "../src/db/client";
import { createLogger } from "../src/logger";
import { BOT_INFO } from "../test/helpers/fake-telegram";
import { ADMIN, callbackUpdate, messageUpdate } from "../test/helpers/updates";
import { BenchApi } from "./fake-api";
import { anchorsBefore, checkCard, checkPage, pageIds, pagesNear } from "./pages";
import { memory, now } from "./stats";
import type { Heavy } from "./targets";
import { createSendBudget } from "../src/telegram/send-budget";

const OLDER = "Старше ▶";
const NEWER = "◀ Новее";

/** The real bot on the fake API; every step feeds one real Update and times handleUpdate. */
export async function createBenchBot(database: Database) {
  const api = await BenchApi.start();
  const config = parseConfig({ BOT_TOKEN: "123456:BENCH-token-aaaaaaaaaaaaaaaa", ADMIN_IDS: String(ADMIN.id), LOG_LEVEL: "silent" });
  // Page times, not Telegram's limits: a budget that holds nothing back.
  const budget = createSendBudget({ ratePerSecond: Number.POSITIVE_INFINITY, privateIntervalMs: 0, groupIntervalMs: 0 });
  const deps: Deps = { config, logger: createLogger({ logLevel: "silent" }), db: database.db, clock: () => new Date(), budget };
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
  reached: { page50Offset: number; deepPages: number[] };
  /** Presses and commands whose answer was checked against the database: all of them. */
  checked: number;
};

/**
 * Every case feeds real updates and times each until the bot's answer is on the fake API; after
 * the clock stops, the answer is checked against the database (the right bookings, in order, at
 * the right position), so a figure never comes from a press that showed the wrong page.
 */
export async function measureBrowsing(
  b: BenchBot,
  database: Database,
  options: { repeat: number; rows: number; heavy: Heavy; deepPage: number },
): Promise<BrowsingResult> {
  const { repeat, heavy, deepPage } = options;
  const size = b.pageSize;
  const out: BrowsingResult["rows"] = [];
  let checked = 0;
  /** Times `step` only; `check` runs after the clock stops. */
  async function timed(step: () => Promise<Message>, check: (m: Message) => Promise<void> | void): Promise<[number, Message]> {
    const started = now();
    const message = await step();
    const ms = now() - started;
    await check(message);
    checked++;
    return [ms, message];
  }
  async function times(n: number, step: (i: number) => Promise<Message>, check: (m: Message, i: number) => Promise<void> | void): Promise<number[]> {
    const samples: number[] = [];
    for (let i = 0; i < n; i++) samples.push((await timed(() => step(i), (m) => check(m, i)))[0]);
    return samples;
  }
  const page = (offset: number) => ({ offset, ids: first.slice(offset, offset + size) });
  // The first 51 pages newest first, for everything up to page 50.
  const first = await pageIds(database, {}, 0, 51 * size);

  out.push({ label: "/bookings (first page, all)", samples: await times(repeat, () => b.send("/bookings"), (m) => checkPage(m, page(0).ids, 0, "/bookings")) });

  // Filter buttons are the first five of the keyboard; each press switches to another filter.
  const list = await b.send("/bookings");
  const order = [1, 2, 3, 4, 0]; // new, pending, confirmed, cancelled, all
  const firstOf = await Promise.all(order.map((i) => FILTERS[i]!).map((f) => pageIds(database, f === "all" ? {} : { status: f }, 0, size)));
  const perFilter = order.map(() => [] as number[]);
  for (let r = 0; r < repeat; r++) {
    for (const [k, i] of order.entries()) {
      const [ms] = await timed(() => b.press(list, i), (m) => checkPage(m, firstOf[k]!, 0, `filter ${String(FILTERS[i])}`));
      perFilter[k]!.push(ms);
    }
  }
  for (const [k, i] of order.entries()) {
    out.push({ label: `press filter "${filterName(FILTERS[i]!, ru)}" (first page)`, samples: perFilter[k]! });
  }

  // Page 50 the way an admin gets there: 49 presses of "Старше ▶"; then back and forth 49 ↔ 50.
  let msg = await b.send("/bookings");
  const early = await times(
    48,
    async () => (msg = await b.press(msg, OLDER)),
    (m, i) => checkPage(m, page((i + 1) * size).ids, (i + 1) * size, `page ${i + 2}`),
  );
  out.push({ label: `press "${OLDER}" pages 2–49`, samples: early });
  const page50 = await times(
    repeat,
    async () => (msg = await b.press(msg, OLDER)),
    async (m) => {
      checkPage(m, page(49 * size).ids, 49 * size, "page 50");
      msg = await b.press(msg, NEWER);
      checkPage(msg, page(48 * size).ids, 48 * size, "back to page 49");
      checked++;
    },
  );
  out.push({ label: `press "${OLDER}" → page 50 (one anchor, back and forth)`, samples: page50 });

  // Deep pages: the data of the "Older ▶" button on the page before each, a different page every
  // time (deepest first), as if the admin had paged there.
  const deepPages = pagesNear(deepPage, repeat);
  const anchors = await anchorsBefore(database, deepPages, size);
  const deep = await times(
    deepPages.length,
    (i) => b.pressData(msg, packList({ filter: "all", anchor: { dir: "older", id: anchors.get(deepPages[i]!)! }, offset: (deepPages[i]! - 1) * size })),
    async (m, i) => {
      const offset = (deepPages[i]! - 1) * size;
      checkPage(m, await pageIds(database, {}, offset, size), offset, `page ${deepPages[i]}`);
      msg = m;
    },
  );
  const n = (x: number) => x.toLocaleString("en-US");
  out.push({ label: `press "${OLDER}" → pages ${n(deepPages.at(-1)!)}–${n(deepPage)}, ${deepPages.length} anchors (built data)`, samples: deep });

  const student = await pageIds(database, { userId: heavy.userId }, 0, size);
  for (const [label, command] of [[`/user <id> (${heavy.bookings} bookings)`, `/user ${heavy.userId}`], ["/user @username (same)", `/user @${heavy.username}`]] as const) {
    out.push({ label, samples: await times(repeat, () => b.send(command), (m) => checkPage(m, student, 0, command)) });
  }
  // Bookings spread over the table, different every time.
  const bookingId = (i: number) => 1 + ((i * 7919 + 13) % options.rows);
  out.push({ label: "/booking <id>", samples: await times(repeat, (i) => b.send(`/booking ${bookingId(i)}`), (m, i) => checkCard(m, bookingId(i))) });
  return { rows: out, reached: { page50Offset: 49 * size + 1, deepPages }, checked };
}

/** Pages through the list with "Старше ▶" (at most `maxPages`), timing every press and checking every page, and the memory before and after. */
export async function pageThrough(b: BenchBot, database: Database, maxPages: number) {
  const expected = await pageIds(database, {}, 0, maxPages * b.pageSize);
  const before = memory();
  let msg = await b.send("/bookings");
  checkPage(msg, expected.slice(0, b.pageSize), 0, "/bookings");
  const samples: number[] = [];
  const started = now();
  while (samples.length < maxPages - 1 && b.buttonData(msg, OLDER)) {
    const t = now();
    msg = await b.press(msg, OLDER);
    samples.push(now() - t);
    const offset = samples.length * b.pageSize;
    checkPage(msg, expected.slice(offset, offset + b.pageSize), offset, `page ${samples.length + 1}`);
  }
  const seconds = (now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 200));
  return { pages: samples.length + 1, samples, seconds, before, after: memory(), reachedEnd: !b.buttonData(msg, OLDER) };
}

/**
 * `/stats` end to end (the figures, the per-day aggregation, SVG → PNG, the photo's upload and the
 * per-stream message), then its two heavy parts alone; each answer checked: a PNG, and a caption
 * whose total is the table's.
 */
export async function measureStats(b: BenchBot, database: Database, repeat: number) {
  const [{ n } = { n: 0 }] = await database.query<{ n: number }>("SELECT count(*)::int AS n FROM bookings");
  const total = `Заявок: ${formatCount(n, ru)} —`;
  const when = () => ({ timeZone: "Europe/Moscow", now: new Date(), days: 30 });
  const endToEnd: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const started = now();
    await b.send("/stats");
    endToEnd.push(now() - started);
    const photo = b.api.lastPhoto;
    if (!photo?.png || !photo.caption?.includes(total)) throw new Error(`/stats answered ${JSON.stringify(photo)}, expected a PNG and "${total}"`);
  }
  const query: number[] = [];
  const render: number[] = [];
  for (let i = 0; i < repeat; i++) {
    let started = now();
    const days = await loadDailyBookings(database.db, when());
    query.push(now() - started);
    started = now();
    renderDailyChartPng(days);
    render.push(now() - started);
  }
  return [
    { label: "/stats: chart photo + summary + per-stream message", samples: endToEnd },
    { label: "  per-day aggregation alone (30 days)", samples: query },
    { label: "  SVG → PNG alone (resvg)", samples: render },
  ];
}
