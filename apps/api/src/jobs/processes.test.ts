import { fileURLToPath } from "node:url";
import { createDatabase, type DatabaseHandle } from "@tasklane/db";
import { createTestDatabase, type TestDatabase, withPgClient } from "@tasklane/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type ApiProcess, startApiProcess } from "../test/api-process";
import { enqueue, findJob, jobAttempts } from "./queue";
import { PROCESS_TEST_TABLES } from "./test/process-jobs";

const testJobs = fileURLToPath(new URL("test/process-jobs.ts", import.meta.url));
const PROCESS_ENV = {
  JOBS_POLL_INTERVAL_MS: "100",
  JOBS_SHUTDOWN_GRACE_MS: "1000",
  PROCESS_TEST_TICK_MS: "1000",
};
const WAIT = { timeout: 20_000, interval: 50 };

describe("background jobs across real API processes on one database", () => {
  let database: TestDatabase;
  let producer: DatabaseHandle;
  const processes: ApiProcess[] = [];

  const start = async (env: Record<string, string> = {}) => {
    const api = await startApiProcess({
      databaseUrl: database.appUrl,
      env: { ...PROCESS_ENV, ...env },
      imports: [testJobs],
    });
    processes.push(api);
    return api;
  };
  const query = async <Row>(text: string, values: unknown[] = []) =>
    (await producer.pool.query(text, values)).rows as Row[];
  const waitForState = (id: number, state: string) =>
    vi.waitFor(async () => expect((await findJob(producer.db, id))?.state).toBe(state), WAIT);

  let cluster: ApiProcess;
  let single: ApiProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    await withPgClient(database.url, (client) => client.query(PROCESS_TEST_TABLES));
    producer = createDatabase(database.url, { max: 3 });
    // API_WORKERS' way (a cluster) and npm start's way (one process), side by side; one after
    // the other, so that a busy machine boots fewer processes at once.
    cluster = await start({ API_WORKERS: "2" });
    single = await start();
  }, 180_000);
  afterAll(async () => {
    await Promise.all(processes.map((api) => api.stop()));
    await producer.pool.end();
    await database.drop();
  });

  it("runs each committed job exactly once; none of a rolled-back transaction", async () => {
    const committed: string[] = [];
    const rolledBack: string[] = [];
    const client = await producer.pool.connect();
    try {
      for (let batch = 0; batch < 20; batch++) {
        const commit = batch % 4 !== 3;
        await client.query("BEGIN");
        for (let i = 0; i < 10; i++) {
          const key = `${commit ? "job" : "rolled-back"}-${batch}-${i}`;
          (commit ? committed : rolledBack).push(key);
          await enqueue(client, "process-test.record", { key, sleepMs: 20 });
        }
        await client.query(commit ? "COMMIT" : "ROLLBACK");
      }
    } finally {
      client.release();
    }
    expect(committed).toHaveLength(150);

    await vi.waitFor(async () => {
      const [open] = await query<{ n: number }>(
        "SELECT count(*)::int AS n FROM job WHERE name = 'process-test.record' AND state <> 'succeeded'",
      );
      expect(open?.n).toBe(0);
    }, WAIT);
    const runs = await query<{ key: string; runs: number }>(
      "SELECT key, count(*)::int AS runs FROM process_test_run GROUP BY key",
    );
    expect(new Map(runs.map((row) => [row.key, row.runs]))).toEqual(
      new Map(committed.map((key) => [key, 1])),
    );
    const starts = await query<{ n: number }>("SELECT count(*)::int AS n FROM process_test_start");
    expect(starts[0]?.n).toBe(150);
    // The work was shared: more than one process ran jobs.
    const pids = await query<{ n: number }>(
      "SELECT count(DISTINCT pid)::int AS n FROM process_test_run",
    );
    expect(pids[0]?.n).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it("runs a periodic job once per period, whichever process enqueues it", async () => {
    await vi.waitFor(async () => {
      const [periods] = await query<{ n: number }>(
        "SELECT count(DISTINCT due_at)::int AS n FROM process_test_tick",
      );
      expect(periods?.n).toBeGreaterThanOrEqual(4);
    }, WAIT);
    const ticks = await query<{ due_at: Date; runs: number }>(
      "SELECT due_at, count(*)::int AS runs FROM process_test_tick GROUP BY due_at",
    );
    for (const tick of ticks) {
      expect(tick.runs, tick.due_at.toISOString()).toBe(1);
      // Periods start on the period's boundaries of the database clock.
      expect(tick.due_at.getTime() % 1000).toBe(0);
    }
  }, 60_000);

  it("a cluster of workers shuts down on SIGTERM with exit 0", async () => {
    cluster.child.kill("SIGTERM");
    expect(await cluster.exited).toEqual({ code: 0, signal: null });
    expect(cluster.output()).not.toMatch(/"level":50/);
  }, 30_000);

  it("runs a job again after a restart when its process was SIGKILLed mid-run", async () => {
    const id = (await enqueue(producer.db, "process-test.record", {
      key: "killed",
      blockFirstAttempt: true,
    })) as number;
    await vi.waitFor(async () => {
      const started = await query("SELECT 1 FROM process_test_start WHERE key = 'killed'");
      expect(started).toHaveLength(1);
    }, WAIT);
    await single.stop(); // SIGKILL
    const restarted = await start();
    await waitForState(id, "succeeded");

    expect((await jobAttempts(producer.db, id)).map((attempt) => attempt.outcome)).toEqual([
      "lost",
      "succeeded",
    ]);
    expect(
      await query(
        "SELECT attempt, pid FROM process_test_start WHERE key = 'killed' ORDER BY attempt",
      ),
    ).toEqual([
      { attempt: 1, pid: single.child.pid },
      { attempt: 2, pid: restarted.child.pid },
    ]);
    expect(await query("SELECT pid FROM process_test_run WHERE key = 'killed'")).toEqual([
      { pid: restarted.child.pid },
    ]);
    single = restarted;
  }, 120_000);

  it("on SIGTERM lets a running job finish and hands back one still running past the grace", async () => {
    const finishing = (await enqueue(producer.db, "process-test.record", {
      key: "finishing",
      sleepMs: 300,
    })) as number;
    const stuck = (await enqueue(producer.db, "process-test.record", {
      key: "stuck",
      blockFirstAttempt: true,
    })) as number;
    await vi.waitFor(async () => {
      const started = await query(
        "SELECT 1 FROM process_test_start WHERE key IN ('finishing', 'stuck')",
      );
      expect(started).toHaveLength(2);
    }, WAIT);
    single.child.kill("SIGTERM");
    expect(await single.exited).toEqual({ code: 0, signal: null });
    expect(single.output()).not.toMatch(/"level":50/);

    expect((await findJob(producer.db, finishing))?.state).toBe("succeeded");
    expect(await findJob(producer.db, stuck)).toMatchObject({ state: "pending", attempts: 1 });
    expect(await jobAttempts(producer.db, stuck)).toMatchObject([
      { attempt: 1, outcome: "lost", error: "the process stopped first" },
    ]);

    await start();
    await waitForState(stuck, "succeeded");
    expect((await jobAttempts(producer.db, stuck)).map((attempt) => attempt.outcome)).toEqual([
      "lost",
      "succeeded",
    ]);
  }, 120_000);
});
