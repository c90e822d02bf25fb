import type { LightMyRequestResponse } from "fastify";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../test/app";

// One slow query must not stall everyone: a statement stuck on a lock is cancelled by the
// server, and a request that cannot get a pooled connection fails fast instead of queueing.

async function timed(request: () => Promise<LightMyRequestResponse>) {
  const started = performance.now();
  const response = await request();
  return { response, ms: performance.now() - started };
}

function expectServiceUnavailable(response: LightMyRequestResponse) {
  expect(response.statusCode, response.body).toBe(503);
  expect(response.json()).toEqual({
    detail: expect.any(String),
    status_code: 503,
    error_type: "service_unavailable",
  });
}

/** A test-owned transaction holding a task's row lock, as a slow writer would. */
class RowLock {
  private constructor(private readonly client: pg.Client) {}

  static async take(databaseUrl: string, taskId: string): Promise<RowLock> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query("BEGIN");
    await client.query("SELECT 1 FROM task WHERE id = $1 FOR UPDATE", [taskId]);
    return new RowLock(client);
  }

  /** Statements of this database now waiting for a lock (the app's, blocked by this one). */
  async waiters(): Promise<number> {
    const { rows } = await this.client.query(
      "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    return rows.length;
  }

  async waitForWaiters(count: number): Promise<void> {
    await vi.waitFor(async () => expect(await this.waiters()).toBe(count), {
      timeout: 5000,
      interval: 20,
    });
  }

  async release(): Promise<void> {
    await this.client.query("ROLLBACK");
    await this.client.end();
  }
}

async function createTask(t: TestApp, user: string): Promise<string> {
  const created = await t.as(user, {
    method: "POST",
    url: "/api/tasks",
    payload: { title: "contended" },
  });
  expect(created.statusCode).toBe(201);
  return created.json().id;
}

describe("a pool of one connection, held by a request stuck on a lock", () => {
  let t: TestApp;
  let lock: RowLock | undefined;
  beforeAll(async () => {
    t = await createTestApp({
      // The statement timeout is far off here, so only the wait for a connection decides.
      env: { DB_POOL_MAX: "1", DB_STATEMENT_TIMEOUT_MS: "8000", DB_QUERY_TIMEOUT_MS: "10000" },
    });
  });
  afterEach(async () => {
    await lock?.release();
    lock = undefined;
  });
  afterAll(() => t.close());

  it("answers the next request 503 after DB_CONNECT_TIMEOUT_MS (1.5 s), then serves again", async () => {
    const id = await createTask(t, "pool-user");
    lock = await RowLock.take(t.databaseUrl, id);
    const stuck = t.as("pool-user", {
      method: "PATCH",
      url: `/api/tasks/${id}`,
      payload: { title: "waited" },
    });
    await lock.waitForWaiters(1);

    const { response, ms } = await timed(() =>
      t.as("pool-user", { method: "GET", url: "/api/tasks" }),
    );
    expectServiceUnavailable(response);
    expect(ms).toBeGreaterThanOrEqual(1400);
    expect(ms).toBeLessThan(2000);

    await lock.release();
    lock = undefined;
    expect((await stuck).statusCode).toBe(200);
    const after = await t.as("pool-user", { method: "GET", url: "/api/tasks" });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject([{ id, title: "waited" }]);
  });
});

describe("DB_STATEMENT_TIMEOUT_MS", () => {
  const STATEMENT_TIMEOUT_MS = 500;
  let t: TestApp;
  let lock: RowLock | undefined;
  beforeAll(async () => {
    t = await createTestApp({
      // The client-side timeout is far off here, so only the server can end the statement.
      env: { DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS), DB_QUERY_TIMEOUT_MS: "5000" },
      databaseUrl: async (url) => {
        // PgBouncer drops statement_timeout as a startup parameter (ignore_startup_parameters),
        // so behind it the setting lives on the database, as .env.example advises for poolers.
        if (inject("testPoolerAddress")) {
          const client = new pg.Client({ connectionString: inject("testAdminUrl") });
          await client.connect();
          const name = client.escapeIdentifier(new URL(url).pathname.slice(1));
          await client.query(
            `ALTER DATABASE ${name} SET statement_timeout = ${STATEMENT_TIMEOUT_MS}`,
          );
          await client.end();
        }
        return url;
      },
    });
  });
  afterEach(async () => {
    await lock?.release();
    lock = undefined;
  });
  afterAll(() => t.close());

  it("has the server cancel a statement stuck on a lock: 503, and the lock wait is gone", async () => {
    const id = await createTask(t, "slow-user");
    lock = await RowLock.take(t.databaseUrl, id);
    const stuck = timed(() =>
      t.as("slow-user", { method: "PATCH", url: `/api/tasks/${id}`, payload: { title: "x" } }),
    );
    await lock.waitForWaiters(1);

    // Meanwhile the other pooled connections serve everyone else.
    const other = await timed(() => t.as("other-user", { method: "GET", url: "/api/tasks" }));
    expect(other.response.statusCode).toBe(200);
    expect(other.ms).toBeLessThan(STATEMENT_TIMEOUT_MS);

    const { response, ms } = await stuck;
    expectServiceUnavailable(response);
    expect(ms).toBeGreaterThanOrEqual(STATEMENT_TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(2000);
    // Cancelled on the server: it no longer waits for (or would later take) the lock.
    expect(await lock.waiters()).toBe(0);

    await lock.release();
    lock = undefined;
    const retried = await t.as("slow-user", {
      method: "PATCH",
      url: `/api/tasks/${id}`,
      payload: { title: "done" },
    });
    expect(retried.statusCode).toBe(200);
  });
});
