import type { BroadcastWords } from "../delivery/broadcasts";
import { formatBroadcastProgress, formatBroadcastReport } from "./format/broadcast";
import { TEXTS } from "./i18n";
import { adminLang, languageStore } from "./language";

/** A broadcast's progress and report in the language of the admin who sent it. */
export const broadcastWords: BroadcastWords = {
  progress: async (db, adminId, progress) => formatBroadcastProgress(progress, TEXTS[await adminLang(languageStore(db), adminId)]),
  report: async (db, adminId, progress) => formatBroadcastReport(progress, TEXTS[await adminLang(languageStore(db), adminId)]),
};
