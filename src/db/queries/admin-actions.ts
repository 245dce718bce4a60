import type { Db } from "../client";
import { adminActions } from "../schema";

/** Who changed something: the admin's Telegram id and first name. */
export type AdminActor = { id: number; name: string | null };

/** One audit row, written in the transaction of the change it describes. */
export async function recordAdminAction(tx: Db, actor: AdminActor, action: string, target: string, details: Record<string, unknown>): Promise<void> {
  await tx.insert(adminActions).values({ adminId: actor.id, adminName: actor.name, action, target, details });
}
