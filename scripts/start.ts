import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import {
  ensureWebBuild,
  nextBin,
  productionEnvironment,
  webRoot,
} from "../apps/web/scripts/ensure-build";
import { runMigrations } from "../packages/db/src/migrate";
import {
  type EmbeddedPostgres,
  isPortInUse,
  PortInUseError,
  startEmbeddedPostgres,
} from "./embedded-postgres";

const repoRoot = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const SUPERVISE_FLAG = "--supervise";
const SHUTDOWN_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
/** How long services get to close gracefully before they are killed. */
const SERVICE_STOP_TIMEOUT_MS = 15_000;
const DATABASE_NAME = "tasklane";
/** What the API and the web app log in as on the embedded server: no superuser, owns nothing. */
const APP_ROLE = "tasklane_app";
/** Migration bookkeeping: only migrations (run as the superuser) need it. */
const SCHEMAS_HIDDEN_FROM_APP = ["drizzle"];
/** The embedded server's superuser, which runs the migrations and so creates every object. */
const SUPERUSER = "postgres";
const DEFAULT_EMBEDDED_PORT = 54329;
const DATA_DIR = path.join(repoRoot, ".data");

interface Service {
  name: string;
  /** Arguments to `node`. */
  args: string[];
  /** Where it runs; the repository root when absent. */
  cwd?: string;
  /** Its environment; the stack's when absent. */
  env?: NodeJS.ProcessEnv;
  /** Where it listens; the banner waits until it accepts connections. */
  host: string;
  port: number;
  /** The variable that sets `port`, for messages. */
  portVariable: string;
  /** The address to show, when it is not simply http://host:port. */
  url?: string;
}

/** Everything `npm start` runs besides the database. */
function services(env: NodeJS.ProcessEnv): Service[] {
  const webHost = env.WEB_HOST || "127.0.0.1";
  const webPort = Number(env.WEB_PORT || 3000);
  return [
    {
      name: "API",
      args: ["--import", "tsx", "apps/api/src/server.ts"],
      host: env.API_HOST ?? "127.0.0.1",
      port: Number(env.API_PORT ?? 8000),
      portVariable: "API_PORT",
    },
    {
      name: "Web app",
      args: [nextBin, "start", "--hostname", webHost, "--port", String(webPort)],
      cwd: webRoot,
      env: productionEnvironment(env as Record<string, string>),
      host: webHost,
      port: webPort,
      portVariable: "WEB_PORT",
      url: env.BETTER_AUTH_URL,
    },
  ];
}

const LOOPBACK_TWINS: Record<string, string> = { localhost: "127.0.0.1", "127.0.0.1": "localhost" };

/**
 * The settings the API and the web app must agree on, filled in where the environment leaves
 * them out: the web app's URL (the JWT issuer and audience the API checks), the browser origins
 * the API allows, where the browser finds the API, and Better Auth's secret.
 */
async function stackSettings(env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  // `||`, not `??`: an empty value copied from .env.example means "not set".
  const webUrl = (env.BETTER_AUTH_URL || `http://localhost:${env.WEB_PORT || 3000}`).replace(
    /\/+$/,
    "",
  );
  const settings: Record<string, string> = { BETTER_AUTH_URL: webUrl };
  if (!env.CORS_ORIGINS) {
    let origin: URL;
    try {
      origin = new URL(webUrl);
    } catch {
      throw new Error(`BETTER_AUTH_URL must be an http(s) URL, got "${webUrl}".`);
    }
    // The origin people open, and the same under the other loopback name.
    const twin = LOOPBACK_TWINS[origin.hostname];
    const origins = [origin.origin];
    if (twin) origins.push(origin.origin.replace(origin.hostname, twin));
    settings.CORS_ORIGINS = origins.join(",");
  }
  if (!env.NEXT_PUBLIC_API_URL) {
    const apiHost =
      env.API_HOST && !["0.0.0.0", "::"].includes(env.API_HOST) ? env.API_HOST : "127.0.0.1";
    const host = apiHost.includes(":") ? `[${apiHost}]` : apiHost;
    settings.NEXT_PUBLIC_API_URL = `http://${host}:${env.API_PORT || 8000}`;
  }
  if (!env.BETTER_AUTH_SECRET) settings.BETTER_AUTH_SECRET = await storedAuthSecret();
  return settings;
}

/**
 * Better Auth's secret, generated on first start and kept in .data/ (readable by the owner only):
 * it must stay the same, since it encrypts the token signing keys stored in the database.
 */
async function storedAuthSecret(): Promise<string> {
  const file = path.join(DATA_DIR, "better-auth-secret");
  const stored = await readFile(file, "utf8").catch(() => "");
  if (stored.trim() !== "") return stored.trim();
  const secret = randomBytes(32).toString("base64url");
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  console.log(`Generated BETTER_AUTH_SECRET in ${path.relative(repoRoot, file)}.`);
  return secret;
}

interface RunningService {
  service: Service;
  child: ChildProcess;
  exited: Promise<{ service: Service; code: number | null; signal: NodeJS.Signals | null }>;
}

interface PreparedDatabase {
  /** What the API and the web app connect with. */
  url: string;
  /** What migrations run as. */
  migrationUrl: string;
  /** Adjusts the app role's access to what migrations made, when it is not the migrations' role. */
  afterMigrations?: () => Promise<void>;
  description: string;
  /** Set when we started the server ourselves. */
  embedded?: EmbeddedPostgres;
}

if (process.argv.includes(SUPERVISE_FLAG)) {
  await superviseStack();
} else {
  relayToSupervisor();
}

/**
 * A Ctrl-C in a terminal signals its whole foreground process group at once, which would stop
 * PostgreSQL while the API is still draining requests. So the stack runs in a process group of its
 * own under a supervisor, and this process only relays shutdown signals and its exit code.
 */
function relayToSupervisor(): void {
  const supervisor = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(import.meta.url), SUPERVISE_FLAG],
    { cwd: repoRoot, detached: true, stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  let relayedSignal: NodeJS.Signals | undefined;
  for (const signal of SHUTDOWN_SIGNALS) {
    process.on(signal, () => {
      relayedSignal ??= signal;
      supervisor.kill(signal);
    });
  }
  // A signal that arrives before the supervisor listens for it ends it before it has started anything.
  supervisor.on("exit", (code, signal) => process.exit(code ?? (signal === relayedSignal ? 0 : 1)));
}

async function superviseStack(): Promise<never> {
  const envFile = path.join(repoRoot, ".env");
  if (existsSync(envFile)) process.loadEnvFile(envFile);

  // Later signals are repeats (npm and the terminal both deliver Ctrl-C) and are ignored.
  let stopSignal: NodeJS.Signals | undefined;
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
    const requestStop = (signal: NodeJS.Signals) => {
      stopSignal ??= signal;
      resolve(stopSignal);
    };
    for (const signal of SHUTDOWN_SIGNALS) process.on(signal, requestStop);
    // The relaying process is gone (killed outright), so nobody is left to press Ctrl-C.
    process.on("disconnect", () => requestStop("SIGTERM"));
  });

  let database: PreparedDatabase | undefined;
  let running: RunningService[] = [];
  let exitCode = 0;
  try {
    // Before anything starts: a port another process holds would fail a service only later.
    await assertServicePortsFree(process.env);
    database = await prepareDatabase();
    if (!stopSignal) await runMigrations(database.migrationUrl);
    if (!stopSignal) await database.afterMigrations?.();
    if (!stopSignal) await ensureWebBuild();
    if (!stopSignal) {
      const env = {
        ...process.env,
        ...(await stackSettings(process.env)),
        DATABASE_URL: database.url,
      };
      running = services(env).map((service) => startService(service, env));
      void announceWhenReady(running, database);
      const outcome = await Promise.race([stopRequested, ...running.map((r) => r.exited)]);
      if (typeof outcome !== "string") {
        const how = outcome.signal
          ? `was killed by ${outcome.signal}`
          : `exited with code ${outcome.code}`;
        console.error(`\n${outcome.service.name} ${how}; stopping everything.`);
        exitCode = 1;
      }
    }
  } catch (error) {
    console.error(`\nCould not start Tasklane: ${describeError(error)}`);
    exitCode = 1;
  } finally {
    await stopServices(running, stopSignal ?? "SIGTERM");
    await database?.embedded?.stop();
  }
  process.exit(exitCode);
}

/**
 * The web app's and the API's ports must be free and distinct, else one line says which variable
 * to change and to what. (Embedded PostgreSQL's port is checked the same way when it starts, once
 * a server an earlier run left on it is stopped.)
 */
async function assertServicePortsFree(env: NodeJS.ProcessEnv): Promise<void> {
  const wanted = services(env).map(({ host, port, portVariable }) => ({
    host,
    port,
    variable: portVariable,
  }));
  const embeddedPort = env.DATABASE_URL ? undefined : embeddedPostgresPort(env);
  if (embeddedPort !== undefined) {
    wanted.push({ host: "127.0.0.1", port: embeddedPort, variable: "EMBEDDED_PG_PORT" });
  }
  for (const [index, { port, variable }] of wanted.entries()) {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new Error(`${variable} must be a port number, got "${env[variable]}".`);
    }
    const twin = wanted.slice(0, index).find((other) => other.port === port);
    if (twin) {
      throw new Error(
        `${twin.variable} and ${variable} are both ${port}; set ${variable} to another port (e.g. ${variable}=${await nextFreePort(port, "127.0.0.1", wanted)} npm start).`,
      );
    }
  }
  for (const { host, port, variable } of wanted) {
    if (variable === "EMBEDDED_PG_PORT") continue;
    if (await isPortInUse(port, host)) {
      throw portInUse(port, variable, await nextFreePort(port, host, wanted));
    }
  }
}

function portInUse(port: number, variable: string, suggestion: number): Error {
  return new Error(
    `port ${port} (${variable}) is in use by another process; choose another with ${variable}=${suggestion} npm start (or in .env).`,
  );
}

/** The first port after `port` that is free on `host` and not wanted by another service. */
async function nextFreePort(
  port: number,
  host: string,
  wanted: { port: number }[],
): Promise<number> {
  for (let candidate = port + 1; candidate <= 65_535; candidate += 1) {
    if (wanted.some((other) => other.port === candidate)) continue;
    if (!(await isPortInUse(candidate, host))) return candidate;
  }
  return port + 1;
}

function embeddedPostgresPort(env: NodeJS.ProcessEnv): number {
  return Number(env.EMBEDDED_PG_PORT || DEFAULT_EMBEDDED_PORT);
}

/**
 * DATABASE_URL when set (migrations and the apps then use it alike), else the embedded server
 * with its data under .data/postgres: migrations run as its superuser, the apps log in as a role
 * that may only read and write the tables.
 */
async function prepareDatabase(): Promise<PreparedDatabase> {
  const configuredUrl = process.env.DATABASE_URL;
  if (configuredUrl) {
    return {
      url: configuredUrl,
      migrationUrl: configuredUrl,
      description: `${redact(configuredUrl)} (DATABASE_URL)`,
    };
  }

  const port = embeddedPostgresPort(process.env);
  const dataDir = path.join(DATA_DIR, "postgres");
  let embedded: EmbeddedPostgres;
  try {
    embedded = await startEmbeddedPostgres({
      dataDir,
      passwordFile: path.join(DATA_DIR, "postgres-superuser-password"),
      port,
    });
  } catch (error) {
    if (error instanceof PortInUseError) {
      const suggestion = await nextFreePort(port, "127.0.0.1", services(process.env));
      throw new Error(
        `${portInUse(port, "EMBEDDED_PG_PORT", suggestion).message.replace(/\.$/, "")}, or set DATABASE_URL to a PostgreSQL you run yourself.`,
      );
    }
    throw error;
  }
  try {
    await ensureDatabaseExists(embedded.url, DATABASE_NAME);
    const adminUrl = withDatabase(embedded.url, DATABASE_NAME);
    const appUrl = await ensureAppRole(adminUrl);
    const where =
      embedded.clusterDir === dataDir
        ? `${path.relative(repoRoot, dataDir)}/`
        : `${embedded.clusterDir}/ (${path.relative(repoRoot, dataDir)} links there)`;
    return {
      url: appUrl,
      migrationUrl: adminUrl,
      afterMigrations: () => hideMigrationBookkeeping(adminUrl),
      description: `embedded PostgreSQL on 127.0.0.1:${port}, data in ${where}`,
      embedded,
    };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function ensureDatabaseExists(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, async (client) => {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  });
}

/**
 * The apps' login role, with a password made anew on every start (nothing keeps it but the apps'
 * environment); its URL. Made once, in one transaction: it may connect to `adminUrl`'s database
 * only, read and write what is there, and, through default privileges, whatever later migrations
 * (run as the superuser) create. So a migration that narrows its rights later is not undone here.
 */
async function ensureAppRole(adminUrl: string): Promise<string> {
  const password = randomBytes(24).toString("base64url");
  await withClient(adminUrl, async (client) => {
    const role = client.escapeIdentifier(APP_ROLE);
    await client.query("BEGIN");
    const { rowCount } = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [
      APP_ROLE,
    ]);
    if (rowCount === 0) {
      await client.query(`CREATE ROLE ${role}`);
      const { rows } = await client.query<{ database: string; schemas: string[] }>(
        `SELECT current_database() AS database, array(
           SELECT nspname FROM pg_namespace
           WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' AND nspname <> ALL ($1)
         )::text[] AS schemas`,
        [SCHEMAS_HIDDEN_FROM_APP],
      );
      const { database = "", schemas = [] } = rows[0] ?? {};
      const statements = [
        ...["postgres", "template1", database].map(
          (name) =>
            `REVOKE CONNECT, TEMPORARY ON DATABASE ${client.escapeIdentifier(name)} FROM PUBLIC`,
        ),
        `GRANT CONNECT ON DATABASE ${client.escapeIdentifier(database)} TO ${role}`,
        "REVOKE ALL ON SCHEMA public FROM PUBLIC",
        ...schemas.flatMap((name) => {
          const schema = client.escapeIdentifier(name);
          return [
            `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
            `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`,
            `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`,
          ];
        }),
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${SUPERUSER} GRANT USAGE ON SCHEMAS TO ${role}`,
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${SUPERUSER} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${SUPERUSER} GRANT USAGE, SELECT ON SEQUENCES TO ${role}`,
      ];
      for (const statement of statements) await client.query(statement);
    }
    await client.query(
      `ALTER ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${client.escapeLiteral(password)}`,
    );
    await client.query("COMMIT");
  });
  const url = new URL(adminUrl);
  url.username = APP_ROLE;
  url.password = password;
  return url.toString();
}

/** The migrations' own bookkeeping is none of the apps' business (default privileges gave it). */
async function hideMigrationBookkeeping(adminUrl: string): Promise<void> {
  await withClient(adminUrl, async (client) => {
    const role = client.escapeIdentifier(APP_ROLE);
    const { rows } = await client.query<{ name: string }>(
      "SELECT nspname AS name FROM pg_namespace WHERE nspname = ANY ($1)",
      [SCHEMAS_HIDDEN_FROM_APP],
    );
    for (const { name } of rows) {
      const schema = client.escapeIdentifier(name);
      await client.query(`REVOKE ALL ON SCHEMA ${schema} FROM ${role}`);
      await client.query(`REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM ${role}`);
      await client.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${schema} FROM ${role}`);
    }
  });
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

function startService(service: Service, env: NodeJS.ProcessEnv): RunningService {
  const child = spawn(process.execPath, service.args, {
    cwd: service.cwd ?? repoRoot,
    env: service.env ?? env,
    stdio: ["ignore", "inherit", "inherit"],
  });
  const exited = new Promise<Awaited<RunningService["exited"]>>((resolve) => {
    child.once("exit", (code, signal) => resolve({ service, code, signal }));
    child.once("error", (error) => {
      console.error(`${service.name} could not be started: ${error.message}`);
      resolve({ service, code: null, signal: null });
    });
  });
  return { service, child, exited };
}

/** Sends `signal` to the services still running, killing those not gone within the timeout. */
async function stopServices(running: RunningService[], signal: NodeJS.Signals): Promise<void> {
  const alive = running.filter(({ child }) => child.exitCode === null && child.signalCode === null);
  for (const { child } of alive) child.kill(signal);
  const kill = setTimeout(() => {
    for (const { service, child } of alive) {
      if (child.exitCode === null && child.signalCode === null) {
        console.error(
          `${service.name} did not stop within ${SERVICE_STOP_TIMEOUT_MS / 1000} s; killing it.`,
        );
        child.kill("SIGKILL");
      }
    }
  }, SERVICE_STOP_TIMEOUT_MS);
  await Promise.all(alive.map(({ exited }) => exited));
  clearTimeout(kill);
}

async function announceWhenReady(
  running: RunningService[],
  database: PreparedDatabase,
): Promise<void> {
  const ready = await Promise.race([
    Promise.all(running.map(({ service }) => waitUntilListening(service))).then(() => true),
    ...running.map(({ exited }) => exited.then(() => false)),
  ]);
  if (!ready) return;
  const width = Math.max(...running.map(({ service }) => service.name.length), "Database".length);
  const lines = [
    ...running.map(
      ({ service }) => `${service.name.padEnd(width)}  ${service.url ?? httpUrl(service)}`,
    ),
    `${"Database".padEnd(width)}  ${database.description}`,
  ];
  const web = running.find(({ service }) => service.url);
  const open = web ? `  Open ${web.service.url} in your browser.\n\n` : "";
  console.log(
    `\n  Tasklane is running\n\n${lines.map((line) => `  ${line}`).join("\n")}\n\n${open}  Press Ctrl-C to stop.\n`,
  );
}

async function waitUntilListening({ host, port }: Service): Promise<void> {
  for (;;) {
    const connected = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port });
      const settle = (result: boolean) => {
        socket.destroy();
        resolve(result);
      };
      socket.once("connect", () => settle(true)).once("error", () => settle(false));
      socket.setTimeout(1000, () => settle(false));
    });
    if (connected) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function httpUrl({ host, port }: Service): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

function redact(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "(unparsable URL)";
  }
}

function describeError(error: unknown): string {
  // A refused connection to a name with several addresses is an AggregateError without a message.
  if (error instanceof AggregateError && !error.message) {
    return error.errors.map(describeError).join("; ");
  }
  return error instanceof Error ? error.message : String(error);
}
