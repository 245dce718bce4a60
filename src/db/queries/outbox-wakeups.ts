import type pg from "pg";

/** The channel `outbox`'s insert trigger notifies (migration 0008). */
const CHANNEL = "outbox_queued";

/**
 * Calls `wake` whenever a transaction that queued messages commits, in any process: one
 * connection of the pool LISTENs. Notifications are a hint only (the worker polls anyway), so a
 * lost connection is simply opened again after a pause. Returns the way to stop listening.
 */
export async function listenForQueued(pool: pg.Pool, wake: () => void, onError: (err: unknown) => void): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.PoolClient | undefined;
  let retry: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    try {
      const c = await pool.connect();
      c.on("notification", (n) => n.channel === CHANNEL && wake());
      c.on("error", (err) => {
        onError(err);
        c.release(err);
        if (client === c) client = undefined;
        if (!stopped) retry = setTimeout(() => void connect(), 1_000);
      });
      await c.query(`LISTEN ${CHANNEL}`);
      client = c;
      if (stopped) await stop();
    } catch (err) {
      onError(err);
      if (!stopped) retry = setTimeout(() => void connect(), 1_000);
    }
  }

  async function stop(): Promise<void> {
    stopped = true;
    clearTimeout(retry);
    const c = client;
    client = undefined;
    if (!c) return;
    await c.query(`UNLISTEN ${CHANNEL}`).catch(() => {});
    c.release();
  }

  await connect();
  return stop;
}
