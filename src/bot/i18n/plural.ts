const rules = new Map<string, Intl.PluralRules>();

/**
 * The form of a noun that goes with `n`, chosen by the language's own rules (Russian: 1, 21 →
 * one; 2–4, 22 → few; 5–20, 25 → many), the forms the language lacks falling back to `other`.
 */
export function plural(locale: string, n: number, forms: Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }): string {
  let rule = rules.get(locale);
  if (!rule) rules.set(locale, (rule = new Intl.PluralRules(locale)));
  return forms[rule.select(n)] ?? forms.other;
}
