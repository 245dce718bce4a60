import type { Db } from "../db/client";
import { storedTemplate } from "../db/queries/templates";

/** The messages students get, each with the placeholders its text may use. */
export const TEMPLATES = {
  confirmation: {
    placeholders: ["first_name", "course", "stream", "start_date"],
    body: "{first_name}, ваша заявка подтверждена! 🎉\nКурс: {course}, {stream}.\nСтарт: {start_date}.\nДо встречи на занятиях!",
  },
  cancellation: {
    placeholders: ["first_name", "course", "stream", "start_date", "reason"],
    body: "{first_name}, ваша заявка на курс «{course}» ({stream}) отменена.\nПричина: {reason}.\nЕсли это ошибка — просто напишите нам.",
  },
  reminder: {
    placeholders: ["first_name", "course", "stream", "start_date"],
    body: "{first_name}, напоминаем: курс «{course}» ({stream}) стартует {start_date}. До встречи!",
  },
  /** In the answer to a booking; `{price}` is the course's price less the booking's discount. */
  payment_instructions: {
    placeholders: ["first_name", "course", "stream", "start_date", "price"],
    body:
      "{first_name}, чтобы закрепить место на курсе «{course}» ({stream}), оплатите {price}.\n" +
      "Реквизиты — ниже. После оплаты пришлите сюда фото или скриншот чека (или PDF-файл): мы проверим оплату и подтвердим заявку.",
  },
  /** Below the instructions, a paragraph of its own so it is easy to copy: the card, account or link to pay to. */
  payment_details: {
    placeholders: [],
    body: "Реквизиты для оплаты уточняются — напишите нам, и мы пришлём их.",
  },
} as const;

export type TemplateKind = keyof typeof TEMPLATES;
export const TEMPLATE_KINDS = Object.keys(TEMPLATES) as TemplateKind[];
export type TemplateValues = Partial<Record<(typeof TEMPLATES)[TemplateKind]["placeholders"][number], string>>;

/** Long enough for any real message, short enough that filled-in values stay under 4096. */
export const MAX_TEMPLATE_LENGTH = 3000;
const PLACEHOLDER = /\{([^{}\s]*)\}/g;

export type TemplateProblem =
  | { kind: "empty" }
  | { kind: "too-long"; max: number }
  | { kind: "too-long-filled"; max: number }
  | { kind: "unknown-placeholders"; unknown: string[]; allowed: string[] };

/** A filled-in value is cut to this length, so a template's longest message is known in advance. */
export const MAX_VALUE_LENGTH = 100;
/** Telegram's limit for one message. */
const MESSAGE_LIMIT = 4096;

/** Why a template text cannot be saved, or undefined when it can. */
export function templateProblem(kind: TemplateKind, body: string): TemplateProblem | undefined {
  if (body.trim() === "") return { kind: "empty" };
  if (body.length > MAX_TEMPLATE_LENGTH) return { kind: "too-long", max: MAX_TEMPLATE_LENGTH };
  const allowed: readonly string[] = TEMPLATES[kind].placeholders;
  const unknown = [...body.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((name) => !allowed.includes(name));
  if (unknown.length > 0) return { kind: "unknown-placeholders", unknown: [...new Set(unknown)], allowed: [...allowed] };
  const tokens = [...body.matchAll(PLACEHOLDER)];
  const longest = body.length - tokens.reduce((n, m) => n + m[0].length, 0) + tokens.length * MAX_VALUE_LENGTH;
  if (longest > MESSAGE_LIMIT) return { kind: "too-long-filled", max: MESSAGE_LIMIT };
  return undefined;
}

/** Fills in the placeholders. Messages go out as plain text, so nothing needs escaping. */
export function renderTemplate(body: string, values: TemplateValues): string {
  const filled = body.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name as keyof TemplateValues];
    return value === undefined ? whole : [...value].slice(0, MAX_VALUE_LENGTH).join("");
  });
  // Templates saved before a limit changed, or written straight into the database, still fit.
  return filled.length > MESSAGE_LIMIT ? `${filled.slice(0, MESSAGE_LIMIT - 1)}…` : filled;
}

export async function loadTemplate(db: Db, kind: TemplateKind): Promise<{ body: string; custom: boolean }> {
  const stored = await storedTemplate(db, kind);
  return stored !== undefined ? { body: stored, custom: true } : { body: TEMPLATES[kind].body, custom: false };
}
