import type { BroadcastWords } from "../delivery/broadcasts";
import { formatBroadcastProgress, formatBroadcastReport, formatRecallReport, reportKeyboard } from "./format/broadcast";
import { TEXTS } from "./i18n";
import { adminLang, languageStore } from "./language";

/** A broadcast's progress and reports in the language of the admin who sent it (or recalled it). */
export const broadcastWords: BroadcastWords = {
  progress: async (db, adminId, progress) => formatBroadcastProgress(progress, TEXTS[await adminLang(languageStore(db), adminId)]),
  report: async (db, adminId, progress) => {
    const t = TEXTS[await adminLang(languageStore(db), adminId)];
    const keyboard = reportKeyboard(progress, t);
    return { text: formatBroadcastReport(progress, t), ...(keyboard ? { replyMarkup: { inline_keyboard: keyboard.inline_keyboard } } : {}) };
  },
  recallReport: async (db, adminId, messageId, counts) => formatRecallReport(messageId, counts, TEXTS[await adminLang(languageStore(db), adminId)]),
};
