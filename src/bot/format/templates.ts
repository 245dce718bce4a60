import { TEMPLATES, TEMPLATE_KINDS, renderTemplate, type TemplateKind, type TemplateProblem, type TemplateValues } from "../../bookings/templates";
import type { Texts } from "../i18n";
import { escapeHtml, truncate } from "./html";

export const SAMPLE_VALUES: TemplateValues = {
  first_name: "Ира",
  course: "Вайб кодинг",
  stream: "7-й поток",
  start_date: "01.12.2026 19:00",
  reason: "нет оплаты",
  price: "$135 (со скидкой 10%)",
};

const braces = (names: readonly string[]) => names.map((p) => `{${p}}`).join(", ");
/** Each template's excerpt in the list, so that all of them (escaped, with titles) fit one message. */
const LIST_EXCERPT = Math.floor(3_000 / TEMPLATE_KINDS.length);
export const templateName = (kind: TemplateKind, t: Texts) => t.templates.name[kind]!;

/** All templates with their current text; the /templates menu goes under it. */
export function formatTemplateList(current: Record<TemplateKind, { body: string; custom: boolean }>, t: Texts): string {
  const sections = TEMPLATE_KINDS.map((kind) => {
    const { body, custom } = current[kind];
    return [
      `<b>${templateName(kind, t)}</b> ${custom ? t.templates.custom : t.templates.standard}`,
      // Templates of up to 3000 characters each would not fit one message; the editor shows all.
      `<blockquote>${escapeHtml(truncate(body, LIST_EXCERPT))}</blockquote>`,
    ].join("\n");
  });
  return [t.templates.title, ...sections].join("\n\n");
}

export const askTemplateText = (kind: TemplateKind, t: Texts) =>
  TEMPLATES[kind].placeholders.length === 0 ? t.templates.askPlain(templateName(kind, t)) : t.templates.ask(templateName(kind, t), braces(TEMPLATES[kind].placeholders));

export function describeTemplateProblem(problem: TemplateProblem, t: Texts): string {
  if (problem.kind === "empty") return t.templates.empty;
  if (problem.kind === "too-long") return t.templates.tooLong(problem.max);
  if (problem.kind === "too-long-filled") return t.templates.tooLongFilled(problem.max);
  if (problem.allowed.length === 0) return t.templates.noPlaceholders(braces(problem.unknown));
  return t.templates.unknownPlaceholders(braces(problem.unknown), braces(problem.allowed));
}

/** Plain text: exactly what the student would get, with sample values filled in. */
export const templatePreview = (body: string, t: Texts) => t.templates.preview(renderTemplate(body, SAMPLE_VALUES));
