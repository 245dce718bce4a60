import { InlineKeyboard } from "grammy";
import { TEMPLATES, TEMPLATE_KINDS, renderTemplate, type TemplateKind, type TemplateValues } from "../../delivery/templates";
import { packTemplate } from "../callback-data";
import { escapeHtml, truncate } from "./html";

export const SAMPLE_VALUES: TemplateValues = {
  first_name: "Ира",
  course: "Вайб кодинг",
  stream: "7-й поток",
  start_date: "01.12.2026 19:00",
  reason: "нет оплаты",
};

const placeholderList = (kind: TemplateKind) => TEMPLATES[kind].placeholders.map((p) => `{${p}}`).join(", ");

/** All templates with their current text, and a button to edit (or reset) each. */
export function formatTemplateList(current: Record<TemplateKind, { body: string; custom: boolean }>) {
  const keyboard = new InlineKeyboard();
  const sections = TEMPLATE_KINDS.map((kind) => {
    const { body, custom } = current[kind];
    keyboard.text(`✏️ ${TEMPLATES[kind].title}`, packTemplate({ op: "edit", kind }));
    if (custom) keyboard.text("↺ По умолчанию", packTemplate({ op: "reset", kind }));
    if (kind !== TEMPLATE_KINDS.at(-1)) keyboard.row();
    return [
      `<b>${TEMPLATES[kind].title}</b> ${custom ? "(изменён)" : "(по умолчанию)"}`,
      // Three templates of up to 3000 characters would not fit one message; the editor shows all.
      `<blockquote>${escapeHtml(truncate(body, 1000))}</blockquote>`,
    ].join("\n");
  });
  return { text: ["✉️ <b>Сообщения студентам</b>", ...sections].join("\n\n"), keyboard };
}

export const askTemplateText = (kind: TemplateKind) =>
  `Пришлите новый текст сообщения «${TEMPLATES[kind].title}». Подстановки: ${placeholderList(kind)}. /cancel — отмена.`;

/** Plain text: exactly what the student would get, with sample values filled in. */
export const templatePreview = (body: string) => `Так увидит студент:\n\n${renderTemplate(body, SAMPLE_VALUES)}`;
