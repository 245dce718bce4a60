import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, migrationCount, rawExec, type TestDatabase, unreachableDatabase } from "../helpers/db";
import { createHarness, type Harness } from "../helpers/harness";

let database: TestDatabase;
let h: Harness;
beforeAll(async () => {
  database = await createTestDatabase();
  h = await createHarness(database.db);
});
afterAll(async () => {
  await h?.close();
  await database?.dispose();
});

it("/health reports the database, migrations, the queue and the last delivery error", async () => {
  await rawExec(
    database,
    `INSERT INTO outbox (dedupe_key, kind, chat_id, text, status, created_at, not_before) VALUES ('q', 'reminder', 1, 't', 'queued', now() - interval '90 seconds', now() - interval '90 seconds');
     INSERT INTO outbox (dedupe_key, kind, chat_id, text, status, last_error) VALUES ('f', 'confirmation', 2, 't', 'failed', '403: Forbidden: bot was blocked by the user <x>')`,
  );
  const calls = await h.send("/health");
  expect(calls[0]!.payload.text).toMatch(
    new RegExp(
      `^✅ <b>Всё в порядке</b>\\nБаза данных: доступна\\nМиграции: ${migrationCount()} из ${migrationCount()}\\nОчередь сообщений: 1 · самое старое ждёт: (89|9\\d) с\\nПоследняя ошибка доставки: 403: Forbidden: bot was blocked by the user &lt;x&gt;$`,
    ),
  );
});

it("says so when the database is down", async () => {
  const gone = unreachableDatabase();
  const down = await createHarness(gone.db);
  try {
    const calls = await down.send("/health");
    expect(calls[0]!.payload.text).toBe(
      `⚠️ <b>Есть проблемы</b>\nБаза данных: недоступна\nМиграции: ? из ${migrationCount()}\nОчередь сообщений: ? · самое старое ждёт: —\nПоследняя ошибка доставки: нет`,
    );
  } finally {
    await down.close();
    await gone.close();
  }
});
