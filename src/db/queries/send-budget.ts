import { and, lt, ne, sql } from "drizzle-orm";
import type { Db } from "../client";
import { sendBudgetShares, sendPacing } from "../schema";

export type PeerShare = { owner: string; demand: number[]; share: number };

/** Arbitrary but fixed: every process of this bot agrees on it (the migration lock is 727_001). */
const SHARES_LOCK_KEY = 727_002;

const ms = (value: number) => sql`(${Math.max(0, Math.round(value))}::integer * interval '1 millisecond')`;

/**
 * One exchange of the processes' send shares, serialised by a transaction-level advisory lock:
 * rows not refreshed within `staleMs` (their process died) are dropped, the others are read, and
 * `decide` — given them — returns this process's demand, its share, and the rate it holds (its
 * share, or more while its calls at a higher share still count in Telegram's second), which is
 * what is recorded before the lock is released: the recorded rates are read and written one
 * process at a time, and what another process may take is the total less what the others hold.
 */
export async function exchangeShares(
  db: Db,
  args: { owner: string; staleMs: number; decide(peers: PeerShare[]): { demand: number[]; share: number; holds: number } },
): Promise<{ peers: PeerShare[]; share: number }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${SHARES_LOCK_KEY})`);
    await tx.delete(sendBudgetShares).where(and(ne(sendBudgetShares.owner, args.owner), lt(sendBudgetShares.seenAt, sql`now() - ${ms(args.staleMs)}`)));
    const peers = await tx
      .select({ owner: sendBudgetShares.owner, demand: sendBudgetShares.demand, share: sendBudgetShares.share })
      .from(sendBudgetShares)
      .where(ne(sendBudgetShares.owner, args.owner));
    const mine = args.decide(peers);
    await tx
      .insert(sendBudgetShares)
      .values({ owner: args.owner, demand: mine.demand, share: mine.holds })
      .onConflictDoUpdate({ target: sendBudgetShares.owner, set: { demand: mine.demand, share: mine.holds, seenAt: sql`now()` } });
    return { peers, share: mine.share };
  });
}

/** A stopping process gives its share back at once instead of after `staleMs`. */
export async function dropShare(db: Db, owner: string): Promise<void> {
  await db.delete(sendBudgetShares).where(sql`${sendBudgetShares.owner} = ${owner}`);
}

/**
 * Books a chat's next call `intervalMs` after its previous one, whichever process made that:
 * returns how long to wait (0: now). Measured on the database's clock, so processes on machines
 * whose clocks differ still agree.
 */
export async function reserveChatSlot(db: Db, chatId: number, intervalMs: number): Promise<number> {
  const [row] = await db
    .insert(sendPacing)
    .values({ chatId, nextAt: sql`now() + ${ms(intervalMs)}` })
    .onConflictDoUpdate({ target: sendPacing.chatId, set: { nextAt: sql`greatest(${sendPacing.nextAt}, now()) + ${ms(intervalMs)}` } })
    .returning({ waitMs: sql<number>`greatest(0, ceil(1000 * extract(epoch FROM (${sendPacing.nextAt} - now()))) - ${Math.round(intervalMs)})::integer` });
  return Number(row?.waitMs ?? 0);
}
