import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { botState } from "../schema";

/** A key-value store over `bot_state`, in the shape grammY's storage adapters have. */
export function botStateStorage<T>(db: Db) {
  return {
    async read(key: string): Promise<T | undefined> {
      const [row] = await db.select({ value: botState.value }).from(botState).where(eq(botState.key, key)).limit(1);
      return row?.value as T | undefined;
    },
    async write(key: string, value: T): Promise<void> {
      await db
        .insert(botState)
        .values({ key, value })
        .onConflictDoUpdate({ target: botState.key, set: { value, updatedAt: new Date() } });
    },
    async delete(key: string): Promise<void> {
      await db.delete(botState).where(eq(botState.key, key));
    },
  };
}
