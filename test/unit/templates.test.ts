import { describe, expect, it } from "vitest";
import { MAX_VALUE_LENGTH, TEMPLATES, renderTemplate, templateProblem } from "../../src/bookings/templates";

describe("message templates", () => {
  it("fill in known placeholders and leave anything else as written", () => {
    expect(renderTemplate("{first_name}: {course}, {nope} {", { first_name: "Ира", course: "Вайб кодинг" })).toBe("Ира: Вайб кодинг, {nope} {");
  });

  it("cut each value, and the whole message to Telegram's 4096 characters", () => {
    expect(renderTemplate("{course}", { course: "x".repeat(500) })).toHaveLength(MAX_VALUE_LENGTH);
    const huge = renderTemplate("y".repeat(5000), {});
    expect(huge).toHaveLength(4096);
    expect(huge.endsWith("…")).toBe(true);
  });

  it("refuse empty texts, unknown placeholders, and texts that could outgrow a message", () => {
    expect(templateProblem("confirmation", "  ")).toEqual({ kind: "empty" });
    expect(templateProblem("confirmation", "{reason}")).toEqual({
      kind: "unknown-placeholders",
      unknown: ["reason"],
      allowed: [...TEMPLATES.confirmation.placeholders],
    });
    expect(templateProblem("cancellation", "{reason}")).toBeUndefined();
    expect(templateProblem("reminder", "{course}".repeat(375))).toEqual({ kind: "too-long-filled", max: 4096 });
    expect(templateProblem("reminder", "a".repeat(3001))).toEqual({ kind: "too-long", max: 3000 });
    expect(templateProblem("reminder", TEMPLATES.reminder.body)).toBeUndefined();
  });
});
