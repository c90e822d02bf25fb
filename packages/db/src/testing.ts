import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

// Provided by scripts/test/global-setup.ts (a vitest globalSetup).
declare module "vitest" {
  interface ProvidedContext {
    /** Superuser URL of the test PostgreSQL server (its `postgres` database). */
    testAdminUrl: string;
    /** Migrated database every test database is copied from. */
    testTemplateDatabase: string;
    /** Starts the name of every database this test run creates. */
    testDatabasePrefix: string;
  }
}

export interface TestDatabase {
  url: string;
  name: string;
  /** Drops the database, terminating connections still open (close your pools first). */
  drop(): Promise<void>;
}

/**
 * A new database copied from the migrated template, named uniquely so parallel test files never
 * share one. Needs scripts/test/global-setup.ts as the vitest globalSetup.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("testAdminUrl");
  const template = inject("testTemplateDatabase");
  const name = `${inject("testDatabasePrefix")}${randomBytes(6).toString("hex")}`;
  await withPgClient(adminUrl, (client) =>
    client.query(
      `CREATE DATABASE ${client.escapeIdentifier(name)} TEMPLATE ${client.escapeIdentifier(template)}`,
    ),
  );
  return { name, url: databaseUrl(adminUrl, name), drop: () => dropDatabase(adminUrl, name) };
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withPgClient(serverUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
  );
}

/** `serverUrl` pointed at another database on the same server. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs `fn` with a client connected to `url`, closing the client afterwards. */
export async function withPgClient<T>(
  url: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
