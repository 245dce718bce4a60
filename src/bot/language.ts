import type { MiddlewareFn } from "grammy";
import type { Db } from "../db/client";
import { botStateStorage } from "../db/queries/bot-state";
import type { InnerContext } from "./context";
import { LANGS, TEXTS, pickLang, type Lang } from "./i18n";

/** An admin's /lang choice, kept in `bot_state` so every instance and restart knows it. */
export function languageStore(db: Db) {
  const storage = botStateStorage<{ lang: Lang }>(db);
  return {
    async get(userId: number): Promise<Lang | undefined> {
      const value = (await storage.read(`lang:${userId}`))?.lang;
      return LANGS.includes(value as Lang) ? value : undefined;
    },
    set: (userId: number, lang: Lang) => storage.write(`lang:${userId}`, { lang }),
  };
}

export type LanguageStore = ReturnType<typeof languageStore>;

/** The language of everything an admin reads: a stored choice if any, else their Telegram's. */
export async function adminLang(store: LanguageStore, userId: number, languageCode?: string): Promise<Lang> {
  try {
    return pickLang(languageCode, await store.get(userId));
  } catch {
    // The database is down: still answer, in the language Telegram suggests.
    return pickLang(languageCode);
  }
}

/**
 * The language students are addressed in, from their first answer to their last message: the
 * language of the messages admins write for them (the templates, Russian), whatever their
 * Telegram's own. (Many Russian speakers run Telegram in English; a welcome in English followed
 * by payment instructions in Russian read as two bots.)
 */
export const STUDENT_LANG: Lang = "ru";

/**
 * Sets `ctx.lang` and `ctx.t`. Admins' choices are looked up (one primary-key read); everyone
 * else is a student, addressed in STUDENT_LANG with no database access at all.
 */
export function withLanguage(store: LanguageStore, admins: ReadonlySet<number>): MiddlewareFn<InnerContext> {
  return async (ctx, next) => {
    const from = ctx.from;
    ctx.lang = from && admins.has(from.id) ? await adminLang(store, from.id, from.language_code) : STUDENT_LANG;
    ctx.t = TEXTS[ctx.lang];
    return next();
  };
}
