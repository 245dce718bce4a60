import type { BroadcastProgress } from "../../bookings/broadcast";
import { formatCount } from "./values";

/** The one message that follows a broadcast, edited as it goes; plain text. */
export function formatBroadcastProgress(p: BroadcastProgress): string {
  if (p.finished) return formatBroadcastReport(p);
  return `📨 Рассылка #${p.id}: отправлено ${formatCount(p.sent)} из ${formatCount(p.total)} · не доставлено ${formatCount(p.failed)} · в очереди ${formatCount(p.pending)}`;
}

/** The result, sent to the admin when the last recipient is done; plain text. */
export function formatBroadcastReport(p: BroadcastProgress): string {
  const blocked = p.blocked > 0 ? ` (заблокировали бота: ${formatCount(p.blocked)})` : "";
  return `✅ Рассылка #${p.id} завершена: доставлено ${formatCount(p.sent)} из ${formatCount(p.total)} · не доставлено ${formatCount(p.failed)}${blocked}`;
}
