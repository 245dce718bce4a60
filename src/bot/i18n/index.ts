import { en } from "./en";
import { ru, type Texts } from "./ru";

export type { Texts } from "./ru";
export const LANGS = ["ru", "en"] as const;
export type Lang = (typeof LANGS)[number];
export const TEXTS: Record<Lang, Texts> = { ru, en };

/** Russian unless Telegram says the person uses English (or they chose a language with /lang). */
export function pickLang(languageCode: string | undefined, chosen?: string): Lang {
  if (chosen === "ru" || chosen === "en") return chosen;
  return languageCode?.toLowerCase().startsWith("en") ? "en" : "ru";
}

export { ru, en };
