import {
  createTestDatabase,
  databaseUrl,
  type TestDatabase,
  withPgClient,
} from "@tasklane/db/testing";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";

async function databaseExists(name: string): Promise<boolean> {
  const { rowCount } = await withPgClient(inject("testAdminUrl"), (client) =>
    client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]),
  );
  return rowCount === 1;
}

async function countTasks(database: TestDatabase): Promise<number> {
  const { rows } = await withPgClient(database.url, (client) =>
    client.query<{ count: number }>("SELECT count(*)::int AS count FROM task"),
  );
  return rows[0]?.count ?? -1;
}

describe("createTestDatabase", () => {
  it("creates distinct, migrated databases", async () => {
    const first = await createTestDatabase();
    const second = await createTestDatabase();
    try {
      expect(first.name).not.toBe(second.name);
      expect(first.url).not.toBe(second.url);
      await withPgClient(first.url, (client) =>
        client.query(`
          INSERT INTO "user" (id, name, email) VALUES ('u1', 'User 1', 'u1@example.test');
          INSERT INTO task (id, user_id, title) VALUES (gen_random_uuid(), 'u1', 'Only here');
        `),
      );
      expect(await countTasks(first)).toBe(1);
      expect(await countTasks(second)).toBe(0);
    } finally {
      await first.drop();
      await second.drop();
    }
  });

  it("drop() removes the database even while a connection is open", async () => {
    const database = await createTestDatabase();
    const straggler = new pg.Client({ connectionString: database.url });
    straggler.on("error", () => {}); // it is terminated by the drop
    await straggler.connect();

    expect(await databaseExists(database.name)).toBe(true);
    await database.drop();
    expect(await databaseExists(database.name)).toBe(false);
    await straggler.end().catch(() => {});
  });

  it("keeps the template closed to connections", async () => {
    await expect(
      withPgClient(
        databaseUrl(inject("testAdminUrl"), inject("testTemplateDatabase")),
        async () => {},
      ),
    ).rejects.toThrow(/not currently accepting connections/);
  });
});
