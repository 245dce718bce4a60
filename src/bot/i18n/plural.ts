/**
 * A noun's forms after a number, keyed by Intl.PluralRules categories: Russian needs one, few
 * and many ("1 урок", "2 урока", "5 уроков"), English one and other; `other` is the fallback.
 */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
