import { describe, expect, it } from "vitest";
import { TEMPLATES, TEMPLATE_KINDS, type TemplateKind } from "../../src/bookings/templates";
import { formatTemplateList, templatePreview } from "../../src/bot/format/templates";
import { en, ru } from "../../src/bot/i18n";

const defaults = Object.fromEntries(TEMPLATE_KINDS.map((kind) => [kind, { body: TEMPLATES[kind].body, custom: false }])) as Record<
  TemplateKind,
  { body: string; custom: boolean }
>;

describe("formatTemplateList", () => {
  it("shows each template's text, marks edited ones, and escapes and cuts what the admin typed", () => {
    const text = formatTemplateList({ ...defaults, reminder: { body: `<b>{first_name}</b> & ${"я".repeat(1200)}`, custom: true } }, en);
    expect(text.split("\n\n")[0]).toBe("✉️ <b>Messages to students</b>");
    expect(text).toContain("<b>Confirmation</b> (default)\n<blockquote>");
    expect(text).toContain(`<b>Reminder</b> (edited)\n<blockquote>&lt;b&gt;{first_name}&lt;/b&gt; &amp; ${"я".repeat(577)}…</blockquote>`);
  });

  it("is in the language it is given", () => {
    expect(formatTemplateList(defaults, ru).split("\n")[0]).toBe("✉️ <b>Сообщения студентам</b>");
  });
});

describe("templatePreview", () => {
  it("fills in sample values, as plain text", () => {
    expect(templatePreview("{first_name}, <старт> {start_date}", ru)).toBe("Так увидит студент:\n\nИра, <старт> 01.12.2026 19:00");
  });
});
