import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase, migrationsFolder, runMigrations } from "@tasklane/db";
import { databaseUrl, dropDatabase, withPgClient } from "@tasklane/db/testing";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { getTaskHistory } from "../tasks/service";

// A database that lived before the change log (migrations 0000-0001, history in task_audit)
// keeps every task's history, ids and order when migrated.

const adminUrl = inject("testAdminUrl");
const name = `${inject("testDatabasePrefix")}changelog_migration`;
const url = databaseUrl(adminUrl, name);
const TASK = "01932e4a-0000-7000-8000-00000000a001";
let folder: string;

beforeAll(async () => {
  await withPgClient(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  folder = await mkdtemp(join(tmpdir(), "tasklane-migrations-"));
  await cp(migrationsFolder, folder, { recursive: true });
  const journalPath = join(folder, "meta", "_journal.json");
  const journal = JSON.parse(await readFile(journalPath, "utf8"));
  journal.entries = journal.entries.filter((entry: { tag: string }) =>
    ["0000_init", "0001_task_audit"].includes(entry.tag),
  );
  await writeFile(journalPath, JSON.stringify(journal));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await migrate(drizzle({ client }), { migrationsFolder: folder });
    await client.query(`
      INSERT INTO "user" (id, name, email) VALUES ('old-user', 'Old', 'old@example.test');
      INSERT INTO task_audit (user_id, task_id, action, changes, request_id, at) VALUES
        ('old-user', '${TASK}', 'create', '{"title": {"old": null, "new": "Plan"},
          "status": {"old": null, "new": "pending"}, "tags": {"old": null, "new": ["a"]},
          "due_date": {"old": null, "new": "2026-12-01T00:00:00.000Z"}}', 'r1', '2026-11-01T10:00:00Z'),
        ('old-user', '${TASK}', 'update', '{"title": {"old": "Plan", "new": "Plan trip"}}', 'r2',
          '2026-11-01T10:01:00Z'),
        ('old-user', '${TASK}', 'complete', '{"status": {"old": "pending", "new": "completed"},
          "completed_at": {"old": null, "new": "2026-11-01T10:02:00.000Z"}}', 'r3', '2026-11-01T10:02:00Z'),
        ('old-user', '${TASK}', 'delete', '{"title": {"old": "Plan trip", "new": null},
          "status": {"old": "completed", "new": null}, "tags": {"old": ["a"], "new": null},
          "due_date": {"old": "2026-12-01T00:00:00.000Z", "new": null},
          "completed_at": {"old": "2026-11-01T10:02:00.000Z", "new": null}}', 'r4', '2026-11-01T10:03:00Z');
    `);
  } finally {
    await client.end();
  }
  await runMigrations(url);
});

afterAll(async () => {
  await dropDatabase(adminUrl, name);
  await rm(folder, { recursive: true, force: true });
});

it("turns every audit record into a change-log entry with the same id, and history reads the same", async () => {
  const { db, pool } = createDatabase(url);
  try {
    const ctx = { db, userId: "old-user", requestId: "test", identity: null };
    const { entries, total } = await getTaskHistory(ctx, TASK, {});
    expect(total).toBe(4);
    expect(entries).toEqual([
      {
        id: 1,
        task_id: TASK,
        action: "create",
        request_id: "r1",
        at: "2026-11-01T10:00:00.000Z",
        changes: {
          title: { old: null, new: "Plan" },
          status: { old: null, new: "pending" },
          tags: { old: null, new: ["a"] },
          due_date: { old: null, new: "2026-12-01T00:00:00.000Z" },
        },
      },
      {
        id: 2,
        task_id: TASK,
        action: "update",
        request_id: "r2",
        at: "2026-11-01T10:01:00.000Z",
        changes: { title: { old: "Plan", new: "Plan trip" } },
      },
      {
        id: 3,
        task_id: TASK,
        action: "complete",
        request_id: "r3",
        at: "2026-11-01T10:02:00.000Z",
        changes: {
          status: { old: "pending", new: "completed" },
          completed_at: { old: null, new: "2026-11-01T10:02:00.000Z" },
        },
      },
      {
        id: 4,
        task_id: TASK,
        action: "delete",
        request_id: "r4",
        at: "2026-11-01T10:03:00.000Z",
        changes: {
          title: { old: "Plan trip", new: null },
          status: { old: "completed", new: null },
          tags: { old: ["a"], new: null },
          due_date: { old: "2026-12-01T00:00:00.000Z", new: null },
          completed_at: { old: "2026-11-01T10:02:00.000Z", new: null },
        },
      },
    ]);
    // New entries continue after the migrated ones.
    const [{ next }] = (
      await pool.query<{ next: string }>(
        "INSERT INTO change_log (user_id, entity, entity_id, action, state, request_id) VALUES ('old-user', 'task', $1, 'update', '{}', 'r5') RETURNING cursor AS next",
        [TASK],
      )
    ).rows as [{ next: string }];
    expect(Number(next)).toBe(5);
  } finally {
    await pool.end();
  }
});
