import { expect, it } from "vitest";
import { useBotFixture } from "../helpers/bot-fixture";
import { migrationCount, rawExec, unreachableDatabase } from "../helpers/db";
import { createHarness } from "../helpers/harness";

const { database, h } = useBotFixture({ course: false });

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
