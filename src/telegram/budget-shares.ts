import type { Db } from "../db/client";
import { dropShare, exchangeShares, type PeerShare } from "../db/queries/send-budget";
import type { Logger } from "../logger";
import { systemClock, type Clock } from "./clock";
import type { SendBudget } from "./send-budget";

/** A priority counts as waiting from this much on (what waits is smoothed, so fractions occur). */
const WAITING = 0.5;

/** The most urgent priority with something waiting (Infinity: nothing waits). */
const topPriority = (demand: readonly number[]) => {
  const p = demand.findIndex((n) => n >= WAITING);
  return p < 0 ? Number.POSITIVE_INFINITY : p;
};

/**
 * This process's share of `total`, given what every process has waiting per priority: each gets
 * a small floor (a process that was idle can answer at once), and the rest is split evenly among
 * the processes whose most urgent waiting work is the most urgent anywhere — a reply waiting in
 * one process comes before a broadcast in another; two processes both answering people split the
 * rate in half. Not in proportion to how much waits: that jitters from one exchange to the next,
 * and a share that follows every jitter arrives late and wastes the rate meanwhile.
 */
export function allocateShare(total: number, mine: readonly number[], peers: ReadonlyArray<Pick<PeerShare, "demand">>, floor: number): number {
  const all = [mine, ...peers.map((p) => p.demand)];
  const base = Math.min(floor, total / all.length);
  const tops = all.map(topPriority);
  const best = Math.min(...tops);
  const winners = tops.filter((p) => p === best).length;
  const rest = total - base * all.length;
  return base + (tops[0] === best ? rest / winners : 0);
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
          // A process that just gave up part of its share still has that second's calls counting at
          // Telegram: it records what it holds until they leave the window, so the process taking
          // the share over ramps up as they do instead of at once (the 429s seen at every hand-over).
          return { demand: demand.map((d) => Math.round(d)), share, holds: Math.max(share, budget.inWindow()) };
        },
      });
      if (share > budget.rate()) budget.setRate(share);
      peersSeen = peers.length;
      budget.setSharing(peersSeen > 0);
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
