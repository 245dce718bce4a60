import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { messageTemplates } from "../schema";

/** The admins' texts of the messages to students; no row means the built-in default. */

export async function storedTemplate(db: Db, kind: string): Promise<string | undefined> {
  const [row] = await db.select({ body: messageTemplates.body }).from(messageTemplates).where(eq(messageTemplates.kind, kind)).limit(1);
  return row?.body;
}

export async function saveTemplate(db: Db, kind: string, body: string, adminId: number): Promise<void> {
  await db
    .insert(messageTemplates)
    .values({ kind, body, updatedBy: adminId })
    .onConflictDoUpdate({ target: messageTemplates.kind, set: { body, updatedBy: adminId, updatedAt: new Date() } });
}

export async function resetTemplate(db: Db, kind: string): Promise<void> {
  await db.delete(messageTemplates).where(eq(messageTemplates.kind, kind));
}
