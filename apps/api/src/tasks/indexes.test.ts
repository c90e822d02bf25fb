import { createDatabase, type DatabaseHandle } from "@tasklane/db";
import { createTestDatabase } from "@tasklane/db/testing";
import { fillPlaceholders } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ListFilters, listTasksQuery, listValues } from "./list-query";

// Proves with EXPLAIN ANALYZE that listing one user's tasks reads only that
// user's rows, for every sort order and the common filters, on a table where
// that user's tasks are a small fraction of the rows.
const USERS = 400;
const TASKS_PER_USER = 25;
const USER = "user-7";

let handle: DatabaseHandle;
let drop: () => Promise<void>;

beforeAll(async () => {
  const database = await createTestDatabase();
  drop = database.drop;
  handle = createDatabase(database.url);
  await handle.pool.query(`
    INSERT INTO "user" (id, name, email)
    SELECT 'user-' || u, 'User ' || u, 'user' || u || '@example.test' FROM generate_series(1, ${USERS}) u;
    INSERT INTO task (id, user_id, title, description, status, priority, category, tags, due_date,
      completed_at, created_at, updated_at)
    SELECT gen_random_uuid(), 'user-' || u, 'Task ' || t, 'details ' || t,
      (ARRAY['pending','in_progress','completed'])[1 + t % 3]::task_status,
      (ARRAY['low','medium','high'])[1 + t % 3]::task_priority,
      (ARRAY['work','personal','home','other'])[1 + t % 4]::task_category,
      ARRAY['tag' || (t % 5)], now() + ((t - 10) || ' days')::interval,
      CASE WHEN t % 3 = 2 THEN now() END,
      now() - (t || ' minutes')::interval, now() - (t || ' minutes')::interval
    FROM generate_series(1, ${USERS}) u, generate_series(1, ${TASKS_PER_USER}) t;
    ANALYZE task;
  `);
});

afterAll(async () => {
  await handle.pool.end();
  await drop();
});

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows": number;
  "Actual Loops": number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  Plans?: PlanNode[];
}

function scansOfTask(node: PlanNode): PlanNode[] {
  const own = node["Relation Name"] === "task" ? [node] : [];
  return [...own, ...(node.Plans ?? []).flatMap(scansOfTask)];
}

async function explain(filters: ListFilters, user = USER): Promise<PlanNode[]> {
  const { sql, params } = listTasksQuery(handle.db, filters).getQuery();
  const values = fillPlaceholders(params, listValues(user, filters));
  const result = await handle.pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, values);
  const [plan] = result.rows[0]["QUERY PLAN"] as { Plan: PlanNode }[];
  return scansOfTask(plan?.Plan as PlanNode);
}

describe("listing a user's tasks reads only that user's rows", () => {
  it.each<[string, ListFilters]>([
    ["default (created_at desc)", {}],
    ["sort=updated_at", { sort: "updated_at" }],
    ["sort=title", { sort: "title" }],
    ["sort=due_date", { sort: "due_date" }],
    ["sort=priority", { sort: "priority" }],
    ["status=pending", { status: "pending" }],
    ["priority=high,low", { priority: "high,low" }],
    ["tag=tag1", { tag: "tag1" }],
    ["q=task 1", { q: "task 1" }],
    ["overdue", { overdue: "true" }],
    ["page 2", { limit: 10, offset: 10 }],
  ])("%s", async (_name, filters) => {
    const scans = await explain(filters);
    expect(scans.length).toBeGreaterThan(0);
    for (const scan of scans) {
      expect(scan["Node Type"]).not.toBe("Seq Scan");
      const rowsRead =
        (scan["Actual Rows"] +
          (scan["Rows Removed by Filter"] ?? 0) +
          (scan["Rows Removed by Index Recheck"] ?? 0)) *
        scan["Actual Loops"];
      expect(rowsRead).toBeLessThanOrEqual(TASKS_PER_USER);
    }
  });
});

describe("searching (q) a user's many long tasks is served by the search indexes", () => {
  const BIG_USER = "user-1";
  beforeAll(async () => {
    await handle.pool.query(`
      SET session_replication_role = replica;
      INSERT INTO task (id, user_id, title, description)
      SELECT gen_random_uuid(), '${BIG_USER}', 'Errand ' || n,
        (SELECT string_agg(md5((n * 1000 + k)::text), ' ') FROM generate_series(1, 300) k)
      FROM generate_series(1, 2000) n;
    `);
    // What autovacuum does in time: moves the GIN indexes' pending entries into the index.
    await handle.pool.query("VACUUM ANALYZE task");
  });

  it.each<[string, ListFilters]>([
    ["a substring", { q: "rrand 12" }],
    ["words", { q: "errands today" }],
    ["text with punctuation", { q: "errand 1%" }],
  ])("%s", async (_name, filters) => {
    const plan = JSON.stringify(await explain(filters, BIG_USER));
    expect(plan).toMatch(/task_search_(text|words)_idx/);
    expect(plan).not.toContain("Seq Scan");
  });
});
