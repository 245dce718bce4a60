import { beforeAll, expect } from "vitest";
import type { Message } from "grammy/types";
import type { Database } from "../../src/db/client";
import { useBotFixture } from "../helpers/bot-fixture";
import { rawQuery } from "../helpers/db";
import { BOT_INFO } from "../helpers/fake-telegram";
import type { Harness } from "../helpers/harness";
import { lateBound } from "../helpers/late-bound";
import { seedFuzzData, type FuzzData } from "./fuzz-data";

/**
 * What every fuzz file starts from: the fixture of the bot tests on a fresh database with the
 * fuzz data (pages of 3), and the tables' checksums right after, for "no row changed".
 */
export function useFuzzBot() {
  const data = lateBound<FuzzData>("the fuzz data");
  const { database, h } = useBotFixture({
    course: false,
    env: { PAGE_SIZE: "3" },
    seed: async (database) => data.bind(await seedFuzzData(database)),
  });
  let initial: Record<string, string> | undefined;
  beforeAll(async () => {
    initial = await tableChecksums(database);
  });
  return {
    database,
    h,
    data: data.value,
    /** Every table but the conversations' state is as the seed left it. */
    async expectNoRowChanged(): Promise<void> {
      expect(await tableChecksums(database)).toEqual(initial);
    },
  };
}

// ── "No row changed" ─────────────────────────────────────────────────────────────────────

const checksumSql = new WeakMap<Database, string>();

/**
 * Conversation state: an admin's half-finished /user or /broadcast is meant to be written there;
 * and every answer in a group books the group's next send slot (send_pacing). Everything else
 * (bookings, events, outbox, users, message_history, message_templates, …) must stay as it was.
 */
const SESSION_TABLES = ["bot_state", "send_pacing", "send_budget_shares"];

/** Row count and an md5 of the rows of every table in the public schema (new ones included), in one query. */
async function tableChecksums(database: Database): Promise<Record<string, string>> {
  let sql = checksumSql.get(database);
  if (!sql) {
    const tables = (
      await rawQuery(
        database,
        "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
      )
    ).filter(({ t }) => !SESSION_TABLES.includes(String(t)));
    sql = tables
      .map(({ t }) => `SELECT '${t}' AS t, count(*) || ':' || md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) AS h FROM "${t}" x`)
      .join(" UNION ALL ");
    checksumSql.set(database, sql);
  }
  return Object.fromEntries((await rawQuery(database, sql)).map((r) => [String(r.t), String(r.h)]));
}

// ── Messages to press on ──────────────────────────────────────────────────────────────────

let nextSyntheticId = 9_000_000;

/**
 * A message "the bot sent earlier" put straight into the fake API's store, so edits of it
 * succeed; each press gets a fresh one, so one case's edit never makes the next one's identical.
 */
export function botMessage(h: Harness, chatId: number, text = "Список заявок", markup?: Message["reply_markup"]): Message {
  const message = {
    message_id: nextSyntheticId++,
    date: Math.floor(Date.now() / 1000) - 60,
    chat: { id: chatId, type: "private", first_name: "Chat" },
    from: BOT_INFO,
    text,
    ...(markup ? { reply_markup: markup } : {}),
  } as Message;
  h.api.messages.set(`${chatId}:${message.message_id}`, message);
  return message;
}
