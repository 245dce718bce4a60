import type { Config } from "../config";
import type { Db } from "../db/client";
import { getBookings } from "../db/queries/bookings";
import type { DigestComposer } from "../delivery/worker";
import { formatBookingDigest } from "./format/digest";
import { TEXTS } from "./i18n";
import { adminLang, languageStore } from "./language";

/**
 * The delivery worker's digests: new-booking notices that queued up for one chat while it waited
 * its turn (the admin group takes 20 messages a minute) go out as one message, a line and a
 * button per booking, in the language that chat's notices are read in.
 */
export function composeDigest(deps: { config: Pick<Config, "adminIds" | "adminChatId">; db: Db; botUsername: string }): DigestComposer {
  const languages = languageStore(deps.db);
  return async (head, merged) => {
    const ids = [head, ...merged].flatMap((row) => (row.bookingId === null ? [] : [row.bookingId]));
    const reader = head.chatId < 0 ? deps.config.adminIds[0]! : head.chatId;
    const t = TEXTS[await adminLang(languages, reader)];
    const { text, keyboard } = formatBookingDigest(await getBookings(deps.db, ids), t, deps.botUsername);
    return { text, parseMode: "HTML", replyMarkup: { inline_keyboard: keyboard.inline_keyboard }, mediaKind: null, mediaFileId: null, copyFromChatId: null, copyMessageId: null, deletesMessageId: null };
  };
}
