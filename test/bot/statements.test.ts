import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useBotFixture } from "../helpers/bot-fixture";
import { addBookings } from "../helpers/fixtures";

/**
 * What one press costs the database, counted from every query node-postgres sends (BEGIN and
 * COMMIT included). A count, not a time: it does not depend on the machine.
 */
const { database, h } = useBotFixture();
const sent: string[] = [];
const query = pg.Client.prototype.query;

beforeAll(() => {
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const text = typeof args[0] === "string" ? args[0] : (args[0] as { text?: string } | undefined)?.text;
    if (text) sent.push(text);
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
});
afterAll(() => {
  pg.Client.prototype.query = query;
});

async function counted(run: () => Promise<unknown>): Promise<string[]> {
  sent.length = 0;
  await run();
  return [...sent];
}

// Counted on node-postgres's client: PGlite sends nothing through it.
describe("statements per press", () => {
  it("confirming a booking from its card: the change in one transaction, the card read once", async () => {
    const [id] = await addBookings(database.db, [{ userId: 71_001, confirmed: 1 }]);
    await h.send(`/booking ${id}`);
    await h.press(h.lastSent(), "🟢 Подтвердить");
    const statements = await counted(() => h.press(h.lastSent(), "✅ Да, подтвердить"));
    const sql = statements.map((s) => s.split(/\s+/).slice(0, 3).join(" "));
    // bot_state: the admin's language and the conversations' state; then BEGIN, the guarded
    // UPDATE (returning the card's row), the events, the receipt out of the review queue, the
    // template, the outbox row, COMMIT; then the card's student, history, messages and payment
    // proofs (whether "📎" is shown).
    expect(sql).toHaveLength(13);
    expect(statements.filter((s) => /^(begin|commit)/i.test(s))).toHaveLength(2);
  });
});
