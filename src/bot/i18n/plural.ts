/**
 * A noun's forms after a number, keyed by Intl.PluralRules categories: Russian needs one, few
 * and many ("1 урок", "2 урока", "5 уроков"), English one and other; `other` is the fallback.
 */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

const rules = new Map<string, Intl.PluralRules>();

/**
 * The form of a noun that goes with `n`, chosen by the language's own rules (Russian: 1, 21 →
 * one; 2–4, 22 → few; 5–20, 25 → many), the forms the language lacks falling back to `other`.
 */
export function plural(locale: string, n: number, forms: PluralForms): string {
  let rule = rules.get(locale);
  if (!rule) rules.set(locale, (rule = new Intl.PluralRules(locale)));
  return forms[rule.select(n)] ?? forms.other;
}
