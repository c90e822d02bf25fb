import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { runMigrations } from "@tasklane/db";
import {
  databaseUrl,
  dropDatabase,
  serverAnswers,
  throughPooler,
  withPgClient,
} from "@tasklane/db/testing";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../embedded-postgres";

/** The machine's own PostgreSQL, used when it lets `postgres` in without a password. */
const LOCAL_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres";
/** Every test database is named `tasklane_test_<run id>_<suffix>`. */
const RUN_PREFIX_PATTERN = "^tasklane_test_[0-9a-f]{8}_";
const EMBEDDED_DATA_DIR_PREFIX = "tasklane-test-postgres-";
/** A data directory this old without a running server belongs to a run that was killed. */
const ABANDONED_DATA_DIR_AGE_MS = 10 * 60_000;

interface TestServer {
  url: string;
  description: string;
  stop(): Promise<void>;
}

/**
 * Picks a PostgreSQL server for the test run (TEST_DATABASE_URL, else the local one on 5432, else
 * a temporary embedded one; TEST_EMBEDDED_POSTGRES=1 skips the local one), migrates a template
 * database once and provides it to the tests, which copy it through `createTestDatabase()`.
 * TEST_POOLER_URL (`host:port` of a pooler such as PgBouncer, forwarding every database name to
 * that server; see scripts/test/with-pgbouncer.sh) makes the apps under test connect through it,
 * while test databases are still created, inspected and dropped directly.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await chooseServer();
  const prefix = `tasklane_test_${randomBytes(4).toString("hex")}_`;
  const template = `${prefix}template`;
  // Held open for the whole run. A run killed before its teardown (Ctrl-C skips it) leaves its
  // databases behind without this connection, so later runs know they can drop them.
  const runLease = new pg.Client({ connectionString: server.url, application_name: prefix });
  runLease.on("error", () => {});

  const dropRunDatabases = async () => {
    const { rows } = await withPgClient(server.url, (client) =>
      client.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
        [prefix],
      ),
    );
    for (const { datname } of rows) await dropDatabase(server.url, datname);
  };
  const teardown = async () => {
    try {
      await dropRunDatabases();
      await runLease.end();
    } finally {
      await server.stop();
    }
  };

  try {
    const pooler = process.env.TEST_POOLER_URL || null;
    console.log(
      `Test databases: ${server.description}${pooler ? `; apps connect through the pooler at ${pooler}` : ""}`,
    );
    if (pooler && !(await serverAnswers(throughPooler(server.url, pooler)))) {
      throw new Error(
        `TEST_POOLER_URL=${pooler}: no pooler answers there for ${server.description}`,
      );
    }
    project.provide("testPoolerAddress", pooler);
    await runLease.connect();
    await dropAbandonedDatabases(server.url);
    await withPgClient(server.url, (client) =>
      client.query(`CREATE DATABASE ${client.escapeIdentifier(template)}`),
    );
    await runMigrations(databaseUrl(server.url, template));
    // CREATE DATABASE … TEMPLATE fails while anyone is connected to the template.
    await withPgClient(server.url, (client) =>
      client.query(`ALTER DATABASE ${client.escapeIdentifier(template)} ALLOW_CONNECTIONS false`),
    );
  } catch (error) {
    await teardown().catch(() => {});
    throw error;
  }

  project.provide("testAdminUrl", server.url);
  project.provide("testTemplateDatabase", template);
  project.provide("testDatabasePrefix", prefix);
  return teardown;
}

/** Test databases of runs whose lease connection is gone. */
async function dropAbandonedDatabases(serverUrl: string): Promise<void> {
  const { rows } = await withPgClient(serverUrl, (client) =>
    client.query<{ datname: string }>(
      `SELECT d.datname FROM pg_database d
       WHERE substring(d.datname FROM $1) NOT IN (
         SELECT a.application_name FROM pg_stat_activity a WHERE a.application_name IS NOT NULL
       )`,
      [RUN_PREFIX_PATTERN],
    ),
  );
  for (const { datname } of rows) await dropDatabase(serverUrl, datname);
}

async function chooseServer(): Promise<TestServer> {
  const configuredUrl = process.env.TEST_DATABASE_URL;
  if (configuredUrl) {
    return { url: configuredUrl, description: "TEST_DATABASE_URL", stop: async () => {} };
  }
  if (process.env.TEST_EMBEDDED_POSTGRES !== "1" && (await serverAnswers(LOCAL_SERVER_URL))) {
    return {
      url: LOCAL_SERVER_URL,
      description: "PostgreSQL on 127.0.0.1:5432",
      stop: async () => {},
    };
  }
  return startTemporaryServer();
}

async function startTemporaryServer(): Promise<TestServer> {
  await removeAbandonedDataDirs();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), EMBEDDED_DATA_DIR_PREFIX));
  const port = await freePort();
  try {
    const server = await startEmbeddedPostgres({ dataDir, port });
    return {
      url: server.url,
      description: `embedded PostgreSQL on 127.0.0.1:${port} (data in ${dataDir})`,
      stop: async () => {
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** Left by runs killed before their teardown: their server stopped on exit, their data did not go. */
async function removeAbandonedDataDirs(): Promise<void> {
  for (const entry of await readdir(os.tmpdir())) {
    if (!entry.startsWith(EMBEDDED_DATA_DIR_PREFIX)) continue;
    const dataDir = path.join(os.tmpdir(), entry);
    const { mtimeMs } = await stat(dataDir);
    if (
      Date.now() - mtimeMs > ABANDONED_DATA_DIR_AGE_MS &&
      !existsSync(path.join(dataDir, "postmaster.pid"))
    ) {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
