import type { Db } from "../db/client";
import { dropShare, exchangeShares, type PeerShare } from "../db/queries/send-budget";
import type { Logger } from "../logger";
import { systemClock, type Clock } from "./clock";
import { PRIORITY_COUNT, type SendBudget } from "./send-budget";

/**
 * This process's share of `total` given what every process has waiting, per priority: each gets a
 * small floor (a process that was idle can answer at once), then the waiting calls are served
 * priority by priority across all processes (a reply waiting anywhere comes before a broadcast
 * anywhere), each process in proportion to what it has waiting at that priority; what is left
 * is split evenly.
 */
export function allocateShare(total: number, mine: readonly number[], peers: ReadonlyArray<Pick<PeerShare, "demand">>, floor: number): number {
  const all = [mine, ...peers.map((p) => p.demand)];
  const give = all.map(() => Math.min(floor, total / all.length));
  let left = total - give.reduce((a, b) => a + b, 0);
  for (let p = 0; p < PRIORITY_COUNT && left > 0; p++) {
    const need = all.reduce((sum, d) => sum + Math.max(0, d[p] ?? 0), 0);
    if (need === 0) continue;
    const take = Math.min(need, left);
    all.forEach((d, i) => (give[i]! += (take * Math.max(0, d[p] ?? 0)) / need));
    left -= take;
  }
  return give[0]! + left / all.length;
}

export type BudgetSharesOptions = {
  db: Db;
  budget: SendBudget;
  /** Messages a second for the whole bot, all processes together. */
  total: number;
  owner: string;
  logger: Logger;
  refreshMs?: number;
  /** A process silent this long is taken for dead and its share given out again. */
  staleMs?: number;
  clock?: Clock;
};

const FLOOR_PER_SECOND = 1;
/** Weight of the newest reading of what waits (0–1). */
const SMOOTHING = 0.3;

/**
 * Keeps this process's send budget at its share of the bot's rate, so processes on one database
 * (webhook instances behind one URL) stay within Telegram's limits together. Every `refreshMs`
 * it records what it has waiting and takes its share in one exchange under a lock; it never
 * takes more than the total less what the others have recorded, lowers its rate before recording
 * a lower share, and raises it only after recording a higher one, so the rates in force never
 * add up to more than the total. A process that cannot record for most of `staleMs` (the others
 * would soon give its share away) falls back to the floor while it has peers.
 */
export function startBudgetShares(options: BudgetSharesOptions) {
  const { db, budget, total, owner, logger } = options;
  const clock = options.clock ?? systemClock;
  const refreshMs = options.refreshMs ?? 100;
  const staleMs = options.staleMs ?? 3_000;
  const floor = Math.min(FLOOR_PER_SECOND, total);
  const stopping = new AbortController();
  let validUntil = Number.POSITIVE_INFINITY;
  let peersSeen = 0;
  let failing = false;
  /** What waits here per priority, smoothed over a few refreshes: shares that follow every blip lag behind it and waste the rate. */
  let demand: number[] = [];

  async function refresh(): Promise<void> {
    const startedAt = clock.now();
    const now = budget.waiting();
    demand = now.map((n, p) => (demand[p] ?? n) + SMOOTHING * (n - (demand[p] ?? n)));
    try {
      const { share, peers } = await exchangeShares(db, {
        owner,
        staleMs,
        decide(peers) {
          const recorded = peers.reduce((sum, p) => sum + p.share, 0);
          // Whole messages a second: a process counts whole sends in its second, so a share of
          // 14.9 would send 14 and waste the rest; rounded, the shares still add up to the total at most.
          const share = Math.max(0, Math.min(Math.round(allocateShare(total, demand, peers, floor)), Math.floor(total - recorded + 1e-9)));
          if (share < budget.rate()) budget.setRate(share);
          return { demand: demand.map((d) => Math.round(d)), share };
        },
      });
      if (share > budget.rate()) budget.setRate(share);
      peersSeen = peers.length;
      validUntil = startedAt + staleMs - 2 * refreshMs;
      if (failing) logger.info({ share }, "send budget shared again");
      failing = false;
    } catch (err) {
      if (!failing) logger.warn({ err }, "could not share the send budget with other processes; keeping the last share for now");
      failing = true;
      // Never shared yet: the floor, so an error still reaches the person who acted.
      if (budget.rate() === 0) budget.setRate(floor);
    }
    if (clock.now() > validUntil && peersSeen > 0 && budget.rate() > floor) budget.setRate(floor);
  }

  async function loop(): Promise<void> {
    while (!stopping.signal.aborted) {
      await clock.sleep(refreshMs, stopping.signal);
      if (!stopping.signal.aborted) await refresh();
    }
  }

  let running: Promise<void> | undefined;
  return {
    /** The first exchange (the budget sends nothing before it), then one every `refreshMs`. */
    async start(): Promise<void> {
      budget.setRate(0);
      await refresh();
      running = loop();
    },
    async stop(): Promise<void> {
      stopping.abort();
      await running;
      await dropShare(db, owner).catch(() => {});
    },
  };
}
