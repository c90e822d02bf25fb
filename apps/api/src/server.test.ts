import http from "node:http";
import net from "node:net";
import type { Task } from "@tasklane/contract";
import { createTestDatabase, type TestDatabase, withPgClient } from "@tasklane/db/testing";
import pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ApiProcess, type Launcher, startApiProcess } from "./test/api-process";

// The API as a real process over real sockets: what survives a crash, and an orderly stop.

let database: TestDatabase | undefined;
const running: ApiProcess[] = [];
afterEach(async () => {
  for (const api of running.splice(0)) await api.stop();
  await database?.drop();
  database = undefined;
});

async function start(env: Record<string, string> = {}, launcher: Launcher = "node") {
  database ??= await createTestDatabase();
  const api = await startApiProcess({ databaseUrl: database.appUrl, env, launcher });
  running.push(api);
  return api;
}

function send(api: ApiProcess, bearer: string, method: string, path: string, body?: unknown) {
  return fetch(`${api.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

interface TaskRow {
  id: string;
  user_id: string;
  title: string;
  description: string | null;
  status: Task["status"];
  priority: Task["priority"];
  category: Task["category"];
  tags: string[];
  due_date: Date | null;
  completed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** A row as the API would answer it. */
function asTask(row: TaskRow): Task {
  return {
    ...row,
    completed: row.status === "completed",
    due_date: row.due_date?.toISOString() ?? null,
    completed_at: row.completed_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

describe("SIGKILL in the middle of a concurrent create load", () => {
  const CLIENTS = 30;
  const KILL_AFTER_ACKS = 150;
  /** Bounds each client's loop: far more than it needs before the kill. */
  const MAX_REQUESTS_PER_CLIENT = 200;
  const PRIORITIES = ["low", "medium", "high"] as const;
  const CATEGORIES = ["work", "personal", "home", "other"] as const;

  /** Every field derives from the title, so any row's content can be checked on its own. */
  function taskBody(client: number, n: number) {
    return {
      title: `load ${client}/${n}`,
      description: `written by client ${client}, request ${n}`,
      priority: PRIORITIES[n % PRIORITIES.length],
      category: CATEGORIES[client % CATEGORIES.length],
      tags: [`client-${client}`, `n-${n}`],
      due_date: new Date(Date.UTC(2030, 0, 1 + client, 0, n)).toISOString(),
      status: n % 2 === 0 ? "completed" : "in_progress",
    } as const;
  }

  it("keeps every acknowledged task exactly as answered, and no half-written one", async () => {
    const api = await start();
    const bearer = await api.token("crash-user");
    // The user row exists before the load, so every create is a single insert.
    expect((await send(api, bearer, "GET", "/api/tasks")).status).toBe(200);

    const acknowledged: Task[] = [];
    let inFlight = 0;
    let inFlightAtKill = -1;
    let unanswered = 0;
    const unexpected: string[] = [];
    const runClient = async (client: number) => {
      for (let n = 0; n < MAX_REQUESTS_PER_CLIENT && inFlightAtKill < 0; n++) {
        inFlight++;
        try {
          const response = await send(api, bearer, "POST", "/api/tasks", taskBody(client, n));
          const body = await response.text();
          if (response.status === 201) acknowledged.push(JSON.parse(body) as Task);
          else unexpected.push(`${response.status} ${body}`);
        } catch {
          // Cut by the kill: the outcome is unknown, and the client gives up.
          unanswered++;
          return;
        } finally {
          inFlight--;
        }
        if (acknowledged.length >= KILL_AFTER_ACKS && inFlightAtKill < 0) {
          inFlightAtKill = inFlight;
          api.child.kill("SIGKILL");
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, client) => runClient(client)));

    expect(unexpected).toEqual([]);
    expect(await api.exited).toEqual({ code: null, signal: "SIGKILL" });
    // The kill did land in the middle of the load. (Whether any request then went unanswered
    // is a race: answers already in the socket buffers still arrive.)
    expect(inFlightAtKill).toBeGreaterThan(0);

    const { rows } = await withPgClient((database as TestDatabase).url, (client) =>
      client.query<TaskRow>(
        `SELECT id, user_id, title, description, status, priority, category, tags, due_date,
          completed_at, created_at, updated_at FROM task`,
      ),
    );
    const byId = new Map(rows.map((row) => [row.id, asTask(row)]));
    for (const task of acknowledged) expect(byId.get(task.id)).toEqual(task);
    // Rows whose create was cut may exist, but only whole: every field as that request sent it.
    for (const task of byId.values()) {
      const [, client, n] = /^load (\d+)\/(\d+)$/.exec(task.title) ?? [];
      expect(task).toMatchObject({
        ...taskBody(Number(client), Number(n)),
        user_id: "crash-user",
        completed: task.status === "completed",
      });
      expect(task.completed_at === null).toBe(task.status !== "completed");
    }
    expect(new Set(rows.map((row) => row.title)).size).toBe(rows.length);
    expect(rows.length).toBeLessThanOrEqual(acknowledged.length + unanswered);

    // A restarted server serves them all.
    const restarted = await start();
    const list = await send(restarted, bearer, "GET", "/api/tasks?limit=1");
    expect(list.status).toBe(200);
    expect(list.headers.get("x-total-count")).toBe(String(rows.length));
  });
});

/** Whether a new connection to `url`'s port is refused: the server stopped listening. */
async function connectionRefused(url: string): Promise<boolean> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

/** An idle keep-alive connection to the server, as a browser or a proxy keeps one. */
async function idleKeepAliveConnection(url: string): Promise<{ closed: Promise<void> }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const request = http.get(`${url}/health`, { agent }, (response) => {
      response.resume();
      response.once("end", () => resolve(request.socket as net.Socket));
    });
    request.once("error", reject);
  });
  return { closed: new Promise((resolve) => socket.once("close", () => resolve())) };
}

describe("graceful shutdown", () => {
  const SHUTDOWN_LIMIT_MS = 10_000;

  it.each<[NodeJS.Signals, Launcher]>([
    ["SIGTERM", "node"],
    ["SIGINT", "node"],
    ["SIGTERM", "tsx-cli"],
  ])(
    "on %s (started by %s) stops accepting, finishes the request in flight and exits 0 within 10 s",
    async (signal, launcher) => {
      // Timeouts far above the test's steps, so only the lock decides when the PATCH ends.
      const api = await start(
        { DB_QUERY_TIMEOUT_MS: "20000", DB_STATEMENT_TIMEOUT_MS: "15000" },
        launcher,
      );
      const bearer = await api.token("shutdown-user");
      const created = await send(api, bearer, "POST", "/api/tasks", { title: "before shutdown" });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as Task;
      const keepAlive = await idleKeepAliveConnection(api.url);

      const locker = new pg.Client({ connectionString: (database as TestDatabase).url });
      await locker.connect();
      try {
        await locker.query("BEGIN");
        await locker.query("SELECT 1 FROM task WHERE id = $1 FOR UPDATE", [id]);
        const patch = send(api, bearer, "PATCH", `/api/tasks/${id}`, { title: "during shutdown" });
        // The PATCH is provably in flight: its UPDATE waits for the test's row lock.
        await vi.waitFor(
          async () => {
            const { rows } = await locker.query(
              "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
            );
            expect(rows).toHaveLength(1);
          },
          { timeout: 5000, interval: 20 },
        );

        const signalled = performance.now();
        // The tsx CLI relays the signal to the server it runs, as a process manager's would reach it.
        api.child.kill(signal);
        await vi.waitFor(async () => expect(await connectionRefused(api.url)).toBe(true), {
          timeout: 3000,
          interval: 20,
        });
        // Idle keep-alive connections are closed rather than holding the shutdown open.
        await keepAlive.closed;
        expect(api.child.exitCode).toBeNull();

        await locker.query("ROLLBACK");
        const response = await patch;
        expect(response.status).toBe(200);
        expect(((await response.json()) as Task).title).toBe("during shutdown");

        let timer: NodeJS.Timeout | undefined;
        const exit = await Promise.race([
          api.exited,
          new Promise<"still running">((resolve) => {
            timer = setTimeout(() => resolve("still running"), SHUTDOWN_LIMIT_MS);
          }),
        ]);
        clearTimeout(timer);
        expect(exit, api.output()).toEqual({ code: 0, signal: null });
        expect(performance.now() - signalled).toBeLessThan(SHUTDOWN_LIMIT_MS);
        expect(api.output()).toContain(`"signal":"${signal}"`);
        expect(api.output()).not.toMatch(/killed by timeout|"level":50/);
      } finally {
        await locker.end();
      }

      const { rows } = await withPgClient((database as TestDatabase).url, (client) =>
        client.query("SELECT title FROM task WHERE id = $1", [id]),
      );
      expect(rows).toEqual([{ title: "during shutdown" }]);
    },
  );
});
