import type { BroadcastProgress } from "../../db/queries/broadcasts";
import type { Texts } from "../i18n";
import { formatCount } from "./values";

/** The one message that follows a broadcast, edited as it goes; plain text. */
export function formatBroadcastProgress(p: BroadcastProgress, t: Texts): string {
  if (p.finished) return formatBroadcastReport(p, t);
  const n = (value: number) => formatCount(value, t);
  return t.broadcast.progress(p.id, n(p.sent), n(p.total), n(p.failed), n(p.pending));
}

/** The result, sent to the admin when the last recipient is done; plain text. */
export function formatBroadcastReport(p: BroadcastProgress, t: Texts): string {
  const n = (value: number) => formatCount(value, t);
  return t.broadcast.report(p.id, n(p.sent), n(p.total), n(p.failed), p.blocked > 0 ? n(p.blocked) : undefined);
}
