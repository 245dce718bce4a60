import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../src/db/embedded/server";
import { deadPid } from "../helpers/dead-pid";
import { freePort } from "../helpers/free-port";
import { captureLogs } from "../helpers/harness";
import { throwawayDir } from "../helpers/throwaway-server";

// The embedded server's life cycle within one data folder, below the bot (main-process.test.ts
// runs the real process through it): shared by its users, stopped by the last, and started
// again over a postmaster.pid that names someone else's live process.
const dir = throwawayDir("bot-embedded-");
const logs = captureLogs();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pidFile = join(dir, "postgres", "postmaster.pid");
const answers = async (url: string) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query("SELECT current_database() AS db")).rows[0];
  } finally {
    await client.end();
  }
};

it("is shared by its users and stopped by the last one to leave", async () => {
  const port = await freePort();
  const first = await startEmbeddedPostgres({ dir, port, logger: logs.logger });
  const second = await startEmbeddedPostgres({ dir, port: port + 1, logger: logs.logger });
  expect([first.startedHere, second.startedHere]).toEqual([true, false]);
  expect(second.port).toBe(port); // joined where it runs, whatever the caller asked for
  expect(await answers(second.url())).toEqual({ db: "bot" });
  expect(readFileSync(join(dir, "postgres.password"), "utf8").trim()).toMatch(/^[\w-]{32}$/);

  await first.release();
  expect(await answers(second.url())).toEqual({ db: "bot" });
  await first.release(); // twice is harmless
  // A user that died without leaving (kill -9) does not keep the server running for ever.
  writeFileSync(join(dir, "postgres.clients", `${await deadPid()}-1`), "");
  await second.release();
  expect(existsSync(pidFile)).toBe(false);
  expect(readdirSync(join(dir, "postgres.clients"))).toEqual([]);
});

it("starts over a stale postmaster.pid whose pid now names another live process", async () => {
  // After a crash and a reboot the old pid is often taken; PostgreSQL alone would refuse to start.
  writeFileSync(pidFile, `${process.pid}\n${join(dir, "postgres")}\n0\n5432\n\n127.0.0.1\n0 0\nready\n`);
  const server = await startEmbeddedPostgres({ dir, port: await freePort(), logger: logs.logger });
  try {
    expect(server.startedHere).toBe(true);
    expect(await answers(server.url())).toEqual({ db: "bot" });
    expect(logs.lines.some((l) => l.msg === "the embedded PostgreSQL was not stopped cleanly last time; removing its stale postmaster.pid")).toBe(true);
  } finally {
    await server.release();
  }
});
