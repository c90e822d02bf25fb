// Test-only jobs for jobs/processes.test.ts, loaded into real API processes with `--import`
// before server.ts. Every run is recorded in the test database's own tables, so that the test
// can count runs per job whichever process made them.
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { registerJob, schedule } from "../registry";

declare module "../registry" {
  interface JobPayloads {
    "process-test.record": { key: string; sleepMs?: number; blockFirstAttempt?: boolean };
    "process-test.tick": Record<string, never>;
  }
}

export const PROCESS_TEST_TABLES = `
  CREATE TABLE process_test_start (key text NOT NULL, attempt int NOT NULL, pid int NOT NULL);
  CREATE TABLE process_test_run (key text NOT NULL, pid int NOT NULL);
  CREATE TABLE process_test_tick (due_at timestamptz NOT NULL, pid int NOT NULL);`;

registerJob(
  "process-test.record",
  async ({ key, sleepMs, blockFirstAttempt }, { db, attempt, signal }) => {
    await db.execute(
      sql`INSERT INTO process_test_start (key, attempt, pid) VALUES (${key}, ${attempt}, ${process.pid})`,
    );
    if (blockFirstAttempt && attempt === 1) {
      // Until the process is killed, or stops and hands the job back.
      await new Promise((_, reject) =>
        signal.addEventListener("abort", () => reject(signal.reason)),
      );
    }
    if (sleepMs) await sleep(sleepMs, undefined, { signal });
    await db.execute(sql`INSERT INTO process_test_run (key, pid) VALUES (${key}, ${process.pid})`);
  },
  { timeoutMs: 5000 },
);

schedule(
  "process-test.tick",
  Number(process.env.PROCESS_TEST_TICK_MS ?? 1000),
  async (_payload, { db, dueAt }) => {
    await db.execute(
      sql`INSERT INTO process_test_tick (due_at, pid) VALUES (${dueAt.toISOString()}, ${process.pid})`,
    );
  },
);
