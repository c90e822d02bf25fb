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
    /** `host:port` of a connection pooler (TEST_POOLER_URL) apps under test go through, or null. */
    testPoolerAddress: string | null;
  }
}

export interface TestDatabase {
  /** Direct superuser URL of the database: for test fixtures (locks, inspection, setup). */
  url: string;
  /**
   * What the app under test connects with: the same database through the pooler when the run has
   * one (TEST_POOLER_URL, e.g. PgBouncer in transaction mode, as Neon's pooled URL is), else `url`.
   */
  appUrl: string;
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
  const url = databaseUrl(adminUrl, name);
  const pooler = inject("testPoolerAddress");
  return {
    name,
    url,
    appUrl: pooler ? throughPooler(url, pooler) : url,
    drop: () => dropDatabase(adminUrl, name),
  };
}

/**
 * Settings an app under test needs for `appUrl`: through a pooler in transaction mode (PgBouncer
 * before 1.21 cannot carry named statements across transactions), unnamed statements only.
 */
export function appDatabaseSettings(): Record<string, string> {
  return inject("testPoolerAddress") ? { DB_PREPARED_STATEMENTS: "false" } : {};
}

/** `url` (same user, password and database) with its host and port replaced by `hostPort`'s. */
export function throughPooler(url: string, hostPort: string): string {
  const pooler = new URL(`postgres://${hostPort}`);
  const through = new URL(url);
  through.host = pooler.host;
  // A unix-socket host given as a query parameter would bypass the pooler.
  through.searchParams.delete("host");
  return through.toString();
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

/** Whether a PostgreSQL server answers at `url` within 2 s. */
export async function serverAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
