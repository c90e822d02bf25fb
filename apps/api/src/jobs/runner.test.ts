import { setTimeout as sleep } from "node:timers/promises";
import { createDatabase, type DatabaseHandle, schema } from "@tasklane/db";
import { createTestDatabase, type TestDatabase, withPgClient } from "@tasklane/db/testing";
import { eq, sql } from "drizzle-orm";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { cancel, enqueue, findJob, jobAttempts } from "./queue";
import { registerJob } from "./registry";
import { JobRunner, retryDelay } from "./runner";

declare module "./registry" {
  interface JobPayloads {
    "runner-test.record": { key: string };
    "runner-test.flaky": { key: string; failures: number };
    "runner-test.wait": { key: string; ignoreAbort?: boolean };
  }
}

/** Per key: how the handlers ran (a test table, not the queue's own bookkeeping). */
const RUNS = sql`runner_test_run`;

registerJob("runner-test.record", async ({ key }, { db }) => {
  await db.execute(sql`INSERT INTO ${RUNS} (key, attempt) VALUES (${key}, 1)`);
});

registerJob(
  "runner-test.flaky",
  async ({ key, failures }, { db, attempt }) => {
    await db.execute(sql`INSERT INTO ${RUNS} (key, attempt) VALUES (${key}, ${attempt})`);
    if (attempt <= failures) throw new Error(`failure ${attempt}`);
  },
  { retryDelaysMs: [300, 600] },
);

/** Resolved by the test (or never): stands for a slow delivery. */
const releases = new Map<string, () => void>();
const abortedKeys = new Set<string>();
registerJob(
  "runner-test.wait",
  async ({ key, ignoreAbort }, { db, signal }) => {
    await db.execute(sql`INSERT INTO ${RUNS} (key, attempt) VALUES (${key}, 1)`);
    signal.addEventListener("abort", () => abortedKeys.add(key));
    await new Promise<void>((resolve, reject) => {
      releases.set(key, resolve);
      if (!ignoreAbort) signal.addEventListener("abort", () => reject(signal.reason));
    });
  },
  { timeoutMs: 1500 },
);

const silent = pino({ level: process.env.RUNNER_TEST_LOG ?? "silent" });

describe("the job runner on a real database", () => {
  let database: TestDatabase;
  let producer: DatabaseHandle;
  const runners: { runner: JobRunner; handle: DatabaseHandle }[] = [];

  function startRunner(options: { shutdownGraceMs?: number } = {}): JobRunner {
    const handle = createDatabase(database.appUrl, { max: 5 });
    const runner = new JobRunner({
      ...handle,
      log: silent,
      concurrency: 4,
      pollIntervalMs: 50,
      shutdownGraceMs: options.shutdownGraceMs ?? 2000,
    });
    runner.start();
    runners.push({ runner, handle });
    return runner;
  }

  async function runsOf(key: string): Promise<number[]> {
    const { rows } = await producer.pool.query<{ attempt: number }>(
      "SELECT attempt FROM runner_test_run WHERE key = $1 ORDER BY attempt",
      [key],
    );
    return rows.map((row) => row.attempt);
  }

  async function waitForState(id: number, state: schema.JobRow["state"]) {
    await vi.waitFor(async () => expect((await findJob(producer.db, id))?.state).toBe(state), {
      timeout: 10_000,
      interval: 25,
    });
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    await withPgClient(database.url, (client) =>
      client.query("CREATE TABLE runner_test_run (key text NOT NULL, attempt int NOT NULL)"),
    );
    producer = createDatabase(database.appUrl, { max: 3 });
  });
  afterEach(async () => {
    for (const release of releases.values()) release();
    releases.clear();
    await Promise.all(runners.map(({ runner }) => runner.stop()));
    await Promise.all(runners.splice(0).map(({ handle }) => handle.pool.end()));
  });
  afterAll(async () => {
    await producer.pool.end();
    await database.drop();
  });

  it("runs each committed job once across two runners; one enqueued in a rolled-back transaction never runs", async () => {
    const committed: string[] = [];
    const rolledBack: string[] = [];
    for (let i = 0; i < 20; i++) {
      committed.push(`plain-${i}`);
      await enqueue(producer.db, "runner-test.record", { key: `plain-${i}` });
    }
    // A Drizzle transaction that commits, and one that rolls back.
    await producer.db.transaction(async (tx) => {
      for (let i = 0; i < 10; i++) {
        committed.push(`tx-${i}`);
        await enqueue(tx, "runner-test.record", { key: `tx-${i}` });
      }
    });
    await expect(
      producer.db.transaction(async (tx) => {
        for (let i = 0; i < 10; i++) {
          rolledBack.push(`tx-rollback-${i}`);
          await enqueue(tx, "runner-test.record", { key: `tx-rollback-${i}` });
        }
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    // A node-postgres client's own BEGIN … ROLLBACK / COMMIT.
    const client = await producer.pool.connect();
    try {
      await client.query("BEGIN");
      for (let i = 0; i < 10; i++) {
        rolledBack.push(`pg-rollback-${i}`);
        await enqueue(client, "runner-test.record", { key: `pg-rollback-${i}` });
      }
      await client.query("ROLLBACK");
      await client.query("BEGIN");
      for (let i = 0; i < 10; i++) {
        committed.push(`pg-${i}`);
        await enqueue(client, "runner-test.record", { key: `pg-${i}` });
      }
      await client.query("COMMIT");
    } finally {
      client.release();
    }

    startRunner();
    startRunner();
    await vi.waitFor(
      async () => {
        const { rows } = await producer.pool.query(
          "SELECT count(*)::int AS open FROM job WHERE state <> 'succeeded'",
        );
        expect(rows[0].open).toBe(0);
      },
      { timeout: 10_000, interval: 25 },
    );

    const { rows } = await producer.pool.query<{ key: string; runs: number }>(
      "SELECT key, count(*)::int AS runs FROM runner_test_run GROUP BY key",
    );
    expect(new Map(rows.map((row) => [row.key, row.runs]))).toEqual(
      new Map(committed.map((key) => [key, 1])),
    );
    // Never even written: nothing of a rolled-back transaction can run later.
    const { rows: jobs } = await producer.pool.query(
      "SELECT count(*)::int AS n FROM job WHERE payload->>'key' = ANY($1)",
      [rolledBack],
    );
    expect(jobs[0].n).toBe(0);
  });

  it("retries a failing job after each configured delay and keeps every attempt", async () => {
    const id = (await enqueue(producer.db, "runner-test.flaky", {
      key: "flaky",
      failures: 2,
    })) as number;
    startRunner();
    await waitForState(id, "succeeded");

    const attempts = await jobAttempts(producer.db, id);
    expect(attempts.map(({ attempt, outcome, error }) => ({ attempt, outcome, error }))).toEqual([
      { attempt: 1, outcome: "failed", error: "Error: failure 1" },
      { attempt: 2, outcome: "failed", error: "Error: failure 2" },
      { attempt: 3, outcome: "succeeded", error: null },
    ]);
    const [first, second, third] = attempts as [
      schema.JobAttemptRow,
      schema.JobAttemptRow,
      schema.JobAttemptRow,
    ];
    // Database times: a retry is never taken before its delay has passed.
    expect(
      second.startedAt.getTime() - (first.finishedAt as Date).getTime(),
    ).toBeGreaterThanOrEqual(300);
    expect(
      third.startedAt.getTime() - (second.finishedAt as Date).getTime(),
    ).toBeGreaterThanOrEqual(600);
    expect(await runsOf("flaky")).toEqual([1, 2, 3]);
    const job = await findJob(producer.db, id);
    expect(job).toMatchObject({ state: "succeeded", attempts: 3, lastError: null });
  });

  it("marks a job failed once its retries are spent; a job may bring its own delays", async () => {
    const spent = (await enqueue(producer.db, "runner-test.flaky", {
      key: "spent",
      failures: 9,
    })) as number;
    const once = (await enqueue(
      producer.db,
      "runner-test.flaky",
      { key: "once", failures: 9 },
      { retryDelaysMs: [] },
    )) as number;
    startRunner();
    await waitForState(spent, "failed");
    await waitForState(once, "failed");

    expect(await findJob(producer.db, spent)).toMatchObject({
      attempts: 3,
      lastError: "Error: failure 3",
      finishedAt: expect.any(Date),
    });
    expect((await jobAttempts(producer.db, spent)).map((a) => a.outcome)).toEqual([
      "failed",
      "failed",
      "failed",
    ]);
    expect(await runsOf("once")).toEqual([1]);
  });

  it("adds one job per singleton key, runs it at its time, and cancels a pending one", async () => {
    const inAMoment = new Date(Date.now() + 400);
    const first = await enqueue(
      producer.db,
      "runner-test.record",
      { key: "single" },
      { singletonKey: "single", runAt: inAMoment },
    );
    expect(first).toEqual(expect.any(Number));
    expect(
      await enqueue(
        producer.db,
        "runner-test.record",
        { key: "single" },
        { singletonKey: "single" },
      ),
    ).toBeNull();
    const later = new Date(Date.now() + 60_000);
    await enqueue(
      producer.db,
      "runner-test.record",
      { key: "cancelled" },
      { singletonKey: "cancelled", runAt: later },
    );
    expect(await cancel(producer.db, "runner-test.record", "cancelled")).toBe(true);
    expect(await cancel(producer.db, "runner-test.record", "cancelled")).toBe(false);

    startRunner();
    await waitForState(first as number, "succeeded");
    const [attempt] = await jobAttempts(producer.db, first as number);
    expect(attempt?.startedAt.getTime()).toBeGreaterThanOrEqual(inAMoment.getTime() - 5);
    expect(await runsOf("single")).toEqual([1]);
    expect(await runsOf("cancelled")).toEqual([]);
  });

  it("aborts an attempt at its timeout and counts it failed", async () => {
    const id = (await enqueue(
      producer.db,
      "runner-test.wait",
      { key: "slow" },
      { retryDelaysMs: [] },
    )) as number;
    startRunner();
    await waitForState(id, "failed");
    expect(abortedKeys.has("slow")).toBe(true);
    expect(await jobAttempts(producer.db, id)).toMatchObject([
      { outcome: "failed", error: "JobTimeout: timed out after 1500 ms" },
    ]);
  });

  it("runs a job again once the lease of a process that died with it lapses; the lost attempt shows", async () => {
    // What a process killed mid-run leaves: a running job, a lapsed lease, open attempts.
    const strand = async (key: string, lostAttempts: number) => {
      const id = (await enqueue(producer.db, "runner-test.record", { key })) as number;
      await producer.db
        .update(schema.job)
        .set({
          state: "running",
          attempts: lostAttempts,
          lockedBy: "dead",
          runAt: new Date(Date.now() - 1),
        })
        .where(eq(schema.job.id, id));
      await producer.db
        .insert(schema.jobAttempt)
        .values({ jobId: id, attempt: lostAttempts, worker: "dead" });
      return id;
    };
    // No retries after a failure (the job's definition), yet a lost attempt runs again.
    const stranded = await strand("stranded", 1);
    const crashing = await strand("crashing", 4);
    startRunner();
    await waitForState(stranded, "succeeded");
    expect(
      (await jobAttempts(producer.db, stranded)).map(({ outcome, worker }) => ({
        outcome,
        dead: worker === "dead",
      })),
    ).toEqual([
      { outcome: "lost", dead: true },
      { outcome: "succeeded", dead: false },
    ]);
    expect(await runsOf("stranded")).toEqual([1]);

    // Lost four times (a job that crashes its process?): failed without running again.
    await waitForState(crashing, "failed");
    expect(await findJob(producer.db, crashing)).toMatchObject({
      lastError: "lost with its process 4 times",
    });
    expect(await runsOf("crashing")).toEqual([]);
  });

  it("on stop, takes no new job and lets a running one finish within the grace", async () => {
    const id = (await enqueue(producer.db, "runner-test.wait", { key: "finishing" })) as number;
    const runner = startRunner({ shutdownGraceMs: 5000 });
    await vi.waitFor(() => expect(releases.has("finishing")).toBe(true), { interval: 10 });
    const stopped = runner.stop();
    const late = (await enqueue(producer.db, "runner-test.record", { key: "late" })) as number;
    await sleep(200);
    releases.get("finishing")?.();
    await stopped;
    expect((await findJob(producer.db, id))?.state).toBe("succeeded");
    expect(abortedKeys.has("finishing")).toBe(false);
    expect((await findJob(producer.db, late))?.state).toBe("pending");
  });

  it("on stop, hands back a job still running past the grace, due again at once", async () => {
    const id = (await enqueue(producer.db, "runner-test.wait", {
      key: "stuck",
      ignoreAbort: true,
    })) as number;
    const runner = startRunner({ shutdownGraceMs: 100 });
    await vi.waitFor(() => expect(releases.has("stuck")).toBe(true), { interval: 10 });
    await runner.stop();
    expect(abortedKeys.has("stuck")).toBe(true);
    const job = await findJob(producer.db, id);
    expect(job).toMatchObject({ state: "pending", lockedBy: null });
    expect(await jobAttempts(producer.db, id)).toMatchObject([
      { outcome: "lost", error: "the process stopped first" },
    ]);
    // Another runner takes it at once, as attempt 2.
    releases.delete("stuck");
    startRunner();
    await vi.waitFor(() => expect(releases.has("stuck")).toBe(true), { interval: 10 });
    releases.get("stuck")?.();
    await waitForState(id, "succeeded");
    expect((await findJob(producer.db, id))?.attempts).toBe(2);
  });
});

describe("retryDelay", () => {
  it("gives each retry its delay, then none; jitter moves it by at most its fraction", () => {
    expect([1, 2, 3].map((attempt) => retryDelay([5000, 60_000], 0, attempt))).toEqual([
      5000,
      60_000,
      null,
    ]);
    expect(retryDelay([1000], 0.2, 1, () => 0)).toBe(800);
    expect(retryDelay([1000], 0.2, 1, () => 1)).toBe(1200);
    expect(retryDelay([1000], 0.2, 1, () => 0.5)).toBe(1000);
  });
});
