import { TASKS_PER_USER_MAX, type Task } from "@tasklane/contract";
import { withPgClient } from "@tasklane/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../test/app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function titlesFound(user: string, q: string): Promise<string[]> {
  const response = await t.as(user, {
    method: "GET",
    url: `/api/tasks?q=${encodeURIComponent(q)}&sort=title&limit=100`,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Task[]>().map((task) => task.title);
}

describe("searching with q", () => {
  const user = "searcher";
  beforeAll(async () => {
    for (const body of [
      { title: "Buy groceries" },
      { title: "Renew passport", description: "before the summer holidays" },
      { title: "Summer plans" },
      { title: "Grocer's bill", description: "pay it" },
    ]) {
      const response = await t.as(user, { method: "POST", url: "/api/tasks", payload: body });
      expect(response.statusCode).toBe(201);
    }
  });

  it("finds words by their stem: grocery finds groceries", async () => {
    expect(await titlesFound(user, "grocery")).toEqual(["Buy groceries"]);
  });

  it("finds every word anywhere in title or description: passport summer", async () => {
    expect(await titlesFound(user, "passport summer")).toEqual(["Renew passport"]);
  });

  it("still finds any substring, case-insensitively, as part 1 says", async () => {
    expect(await titlesFound(user, "ROCER")).toEqual(["Buy groceries", "Grocer's bill"]);
    expect(await titlesFound(user, "'s b")).toEqual(["Grocer's bill"]);
  });
});

describe("a user's task quota", () => {
  it(`refuses task ${TASKS_PER_USER_MAX + 1} with a 409 conflict that says why`, async () => {
    const user = "hoarder";
    const first = await t.as(user, { method: "POST", url: "/api/tasks", payload: { title: "1" } });
    expect(first.statusCode).toBe(201);
    // Filled directly, without the per-row quota check (replica mode skips triggers).
    await withPgClient(t.databaseUrl, async (client) => {
      await client.query("SET session_replication_role = replica");
      await client.query(
        `INSERT INTO task (id, user_id, title)
         SELECT gen_random_uuid(), $1, 'filler ' || n FROM generate_series(2, $2) AS n`,
        [user, TASKS_PER_USER_MAX],
      );
    });
    const over = await t.as(user, { method: "POST", url: "/api/tasks", payload: { title: "x" } });
    expect(over.statusCode, over.body).toBe(409);
    expect(over.json()).toMatchObject({
      status_code: 409,
      error_type: "conflict",
      detail: expect.stringContaining("limit of 10,000 tasks"),
    });
    // Others are not affected, and deleting one makes room again.
    const other = await t.as("someone-else", {
      method: "POST",
      url: "/api/tasks",
      payload: { title: "fine" },
    });
    expect(other.statusCode).toBe(201);
    const deleted = await t.as(user, { method: "DELETE", url: `/api/tasks/${first.json().id}` });
    expect(deleted.statusCode).toBe(204);
    const again = await t.as(user, { method: "POST", url: "/api/tasks", payload: { title: "y" } });
    expect(again.statusCode).toBe(201);
  });
});

describe("one user's expensive searches", () => {
  it("run 2 at a time while another user's requests all succeed", async () => {
    const attacker = "attacker";
    const victim = "victim";
    await t.as(victim, { method: "POST", url: "/api/tasks", payload: { title: "mine" } });
    await t.as(attacker, { method: "POST", url: "/api/tasks", payload: { title: "seed" } });
    // 2,000 tasks with 2,500-character descriptions: searches that take a while, not so long
    // that the statement timeout cancels them (a cancelled one may still run on the server).
    await withPgClient(t.databaseUrl, (client) =>
      client.query(
        `INSERT INTO task (id, user_id, title, description)
         SELECT gen_random_uuid(), $1, 'task ' || n, repeat(md5(n::text), 78)
         FROM generate_series(1, 2000) AS n`,
        [attacker],
      ),
    );
    let sampling = true;
    let mostAtOnce = 0;
    const sampler = withPgClient(t.databaseUrl, async (client) => {
      while (sampling) {
        const { rows } = await client.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity
           WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()
             AND query ILIKE '%ILIKE%'`,
        );
        mostAtOnce = Math.max(mostAtOnce, Number(rows[0]?.n));
      }
    });
    // Two characters found nowhere: too short for trigrams, so each reads all 5 MB.
    const searches = Array.from({ length: 12 }, () =>
      t.as(attacker, { method: "GET", url: "/api/tasks?q=zz&limit=100" }),
    );
    const victimRequests = Array.from({ length: 20 }, () =>
      t.as(victim, { method: "GET", url: "/api/tasks" }),
    );
    const victimStatuses = (await Promise.all(victimRequests)).map((r) => r.statusCode);
    const searchStatuses = (await Promise.all(searches)).map((r) => r.statusCode);
    sampling = false;
    await sampler;
    expect(victimStatuses).toEqual(Array(20).fill(200));
    expect(searchStatuses).toEqual(Array(12).fill(200));
    expect(mostAtOnce).toBeLessThanOrEqual(2);
  });
});
