import type { SQL } from "drizzle-orm";
import type { Db } from "./client";

/** What node-postgres answers raw SQL (`db.execute`) with. */
type Answer<T> = { rows: T[]; rowCount: number | null };

/** The rows of a raw SQL query. */
export async function rawRows<T>(db: Db, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as Answer<T>).rows;
}

/** How many rows a raw INSERT, UPDATE or DELETE wrote. */
export async function rawWrite(db: Db, query: SQL): Promise<number> {
  return ((await db.execute(query)) as unknown as Answer<never>).rowCount ?? 0;
}
