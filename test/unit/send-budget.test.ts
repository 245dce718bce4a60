import { describe, expect, it } from "vitest";
import { PRIORITY, createSendBudget, type SendBudget, type SendBudgetOptions, type Slot, type SlotRequest } from "../../src/telegram/send-budget";
import { virtualClock } from "../helpers/clocks";

const GROUP = -100_500;

/** A budget on virtual time (its timers `lateMs` late) with a recorder of the slots it grants. */
function budgetOnVirtualTime(options: Omit<SendBudgetOptions, "clock">, lateMs = 0) {
  const clock = virtualClock({ lateMs });
  const budget = createSendBudget({ ...options, clock });
  const r = recorder(budget, clock);
  /** Moves the clock to `t`, then checks when each of `expected` was granted (undefined: not yet). */
  const expectGrantedBy = async (t: number, expected: Record<string, number | undefined>) => {
    await clock.advanceTo(t);
    expect(Object.fromEntries(Object.keys(expected).map((label) => [label, r.at(label)]))).toEqual(expected);
  };
  return { clock, budget, r, expectGrantedBy };
}

/** Requests slots and notes when each was granted. */
function recorder(budget: SendBudget, clock: { now(): number }) {
  const grants: Array<{ label: string; at: number; slot: Slot }> = [];
  const ask = (label: string, request: SlotRequest) =>
    budget.acquire(request).then((slot) => {
      if (slot) grants.push({ label, at: clock.now(), slot });
      return slot;
    });
  const at = (label: string) => grants.find((g) => g.label === label)?.at;
  const done = (label: string) => grants.find((g) => g.label === label)!.slot.done();
  return { grants, ask, at, done };
}

describe("send budget", () => {
  it("spaces grants evenly at the rate", async () => {
    const { clock, r } = budgetOnVirtualTime({ ratePerSecond: 10 });
    for (let chat = 1; chat <= 10; chat++) void r.ask(`c${chat}`, { chatId: chat, priority: PRIORITY.bulk });
    for (let t = 0; t <= 1000; t += 10) {
      await clock.advanceTo(t);
      for (const g of r.grants) g.slot.done();
    }
    expect(r.grants.map((g) => g.at)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
  });

  it("keeps the spacing between real grants when timers fire late together", async () => {
    const { clock, r } = budgetOnVirtualTime({ ratePerSecond: 10 }, 1);
    for (let chat = 1; chat <= 10; chat++) void r.ask(`c${chat}`, { chatId: chat, priority: PRIORITY.bulk }).then((s) => s?.done());
    await clock.advanceTo(2_000);
    const gaps = r.grants.slice(1).map((g, i) => g.at - r.grants[i]!.at);
    // No drift: each late timer costs its own millisecond, not every later grant's.
    expect(Math.max(...gaps)).toBeLessThanOrEqual(101);
    expect(r.grants.at(-1)!.at).toBeLessThanOrEqual(901);
  });

  it("counts a call until a second after its answer, so Telegram never sees more than the rate in a second", async () => {
    const { clock, r } = budgetOnVirtualTime({ ratePerSecond: 10, privateIntervalMs: 0 });
    for (let chat = 1; chat <= 11; chat++) void r.ask(`c${chat}`, { chatId: chat, priority: PRIORITY.bulk });
    for (let t = 0; t <= 1_100; t++) {
      await clock.advanceTo(t);
      // Every call is answered 50 ms after it starts: it reached Telegram at some moment in between.
      for (const g of r.grants) if (g.at + 50 === t) g.slot.done();
    }
    expect(r.grants).toHaveLength(11);
    // Not at 1000 (ten were granted since 0): the first may have reached Telegram as late as its answer at 50.
    expect(r.at("c11")).toBe(1_050);
  });

  it("serves a waiting admin before students and a student before broadcasts, whatever came first", async () => {
    const { clock, r } = budgetOnVirtualTime({ ratePerSecond: 10 });
    void r.ask("first", { chatId: 1, priority: PRIORITY.bulk });
    await clock.advanceTo(0);
    for (let chat = 2; chat <= 5; chat++) void r.ask(`bulk${chat}`, { chatId: chat, priority: PRIORITY.bulk });
    void r.ask("notice", { chatId: 20, priority: PRIORITY.notice });
    void r.ask("student", { chatId: 30, priority: PRIORITY.student });
    void r.ask("admin", { chatId: 40, priority: PRIORITY.admin });
    await clock.advanceTo(1_000);
    expect(r.grants.map((g) => g.label)).toEqual(["first", "admin", "student", "notice", "bulk2", "bulk3", "bulk4", "bulk5"]);
  });

  it("a reply that must wait for its chat holds back nobody else", async () => {
    const { r, expectGrantedBy } = budgetOnVirtualTime({ ratePerSecond: 10, privateIntervalMs: 1000 });
    await r.ask("a1", { chatId: 1, priority: PRIORITY.admin });
    r.done("a1");
    void r.ask("a2", { chatId: 1, priority: PRIORITY.admin });
    void r.ask("bulk", { chatId: 2, priority: PRIORITY.bulk });
    await expectGrantedBy(999, { bulk: 100, a2: undefined });
    await expectGrantedBy(1_000, { a2: 1_000 });
  });

  it("waits a chat's interval from the previous answer, and while a message to it is on the wire", async () => {
    const { clock, r, expectGrantedBy } = budgetOnVirtualTime({ ratePerSecond: 10, privateIntervalMs: 1000 });
    await r.ask("m1", { chatId: 1, priority: PRIORITY.student });
    void r.ask("m2", { chatId: 1, priority: PRIORITY.student });
    await clock.advanceTo(1_200);
    expect(r.at("m2")).toBeUndefined(); // still on the wire
    r.done("m1");
    await expectGrantedBy(2_199, { m2: undefined });
    await expectGrantedBy(2_200, { m2: 2_200 });
  });

  it("lets an admin's screen be edited without the private chat's interval, but paces every call to a group", async () => {
    const { clock, r } = budgetOnVirtualTime({ ratePerSecond: 30, privateIntervalMs: 1000, groupIntervalMs: 3000 });
    (await r.ask("send", { chatId: 1, priority: PRIORITY.admin }))!.done();
    void r.ask("edit", { chatId: 1, priority: PRIORITY.admin, counted: "change" });
    void r.ask("group", { chatId: GROUP, priority: PRIORITY.notice }).then((slot) => slot!.done());
    void r.ask("group-edit", { chatId: GROUP, priority: PRIORITY.admin, counted: "change" }).then((slot) => slot!.done());
    await clock.advanceTo(4_000);
    const spacing = 1000 / 30;
    expect(r.at("edit")).toBeCloseTo(spacing);
    // The admin's edit first (priority), the notice a group interval after its answer.
    expect(r.at("group-edit")).toBeCloseTo(2 * spacing);
    expect(r.at("group")).toBeCloseTo(3_000 + 2 * spacing);
  });

  it("a 429 holds that chat only; 429s from three chats within a second hold everyone", async () => {
    const { budget, r, expectGrantedBy } = budgetOnVirtualTime({ ratePerSecond: 10, privateIntervalMs: 0 });
    budget.rateLimited(1, 5_000);
    void r.ask("limited", { chatId: 1, priority: PRIORITY.admin });
    void r.ask("other", { chatId: 2, priority: PRIORITY.bulk });
    await expectGrantedBy(4_999, { other: 0, limited: undefined });
    await expectGrantedBy(5_000, { limited: 5_000 });

    budget.rateLimited(3, 2_000);
    budget.rateLimited(4, 2_000);
    budget.rateLimited(5, 2_000);
    void r.ask("anyone", { chatId: 6, priority: PRIORITY.admin });
    await expectGrantedBy(6_999, { anyone: undefined });
    await expectGrantedBy(7_000, { anyone: 7_000 });
  });

  it("a group's long 429 holds the group only, even among private chats' 429s in the same second", async () => {
    const { budget, r, expectGrantedBy } = budgetOnVirtualTime({ ratePerSecond: 10, privateIntervalMs: 0 });
    budget.rateLimited(GROUP, 40_000);
    budget.rateLimited(3, 500);
    budget.rateLimited(4, 500);
    void r.ask("group", { chatId: GROUP, priority: PRIORITY.notice });
    void r.ask("student", { chatId: 6, priority: PRIORITY.student });
    await expectGrantedBy(39_999, { student: 0, group: undefined });
    await expectGrantedBy(40_000, { group: 40_000 });
  });

  it("does not grant before the time it is given (another process's interval)", async () => {
    const { r, expectGrantedBy } = budgetOnVirtualTime({ ratePerSecond: 10 });
    void r.ask("later", { chatId: 5, priority: PRIORITY.bulk, notBefore: 700 });
    await expectGrantedBy(699, { later: undefined });
    await expectGrantedBy(700, { later: 700 });
  });

  it("gives up when aborted or after maxWaitMs, and the slot goes to the next", async () => {
    const { clock, budget, r, expectGrantedBy } = budgetOnVirtualTime({ ratePerSecond: 1 });
    await r.ask("first", { chatId: 1, priority: PRIORITY.bulk });
    const stop = new AbortController();
    const aborted = r.ask("aborted", { chatId: 2, priority: PRIORITY.bulk, signal: stop.signal });
    const impatient = r.ask("impatient", { chatId: 3, priority: PRIORITY.bulk, maxWaitMs: 300 });
    void r.ask("patient", { chatId: 4, priority: PRIORITY.bulk });
    expect(budget.waiting()[PRIORITY.bulk]).toBe(3);
    stop.abort();
    expect(await aborted).toBeUndefined();
    await clock.advanceTo(300);
    expect(await impatient).toBeUndefined();
    r.done("first");
    // One a second, counted until a second after the answer at 300.
    await expectGrantedBy(1_299, { patient: undefined });
    await clock.advanceTo(1_300);
    expect(r.grants.map((g) => g.label)).toEqual(["first", "patient"]);
  });

  it("follows its rate when it changes: none at 0, the new spacing after", async () => {
    const { clock, budget, r } = budgetOnVirtualTime({ ratePerSecond: 0 });
    void r.ask("a", { chatId: 1, priority: PRIORITY.admin });
    void r.ask("b", { chatId: 2, priority: PRIORITY.admin });
    await clock.advanceTo(500);
    expect(r.grants).toHaveLength(0);
    budget.setRate(4);
    await clock.advanceTo(1_000);
    expect(r.grants.map((g) => g.at)).toEqual([500, 750]);
  });
});
