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
import { type EmbeddedPostgres, PortInUseError, startEmbeddedPostgres } from "./embedded-postgres";

const repoRoot = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const SUPERVISE_FLAG = "--supervise";
const SHUTDOWN_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
/** How long services get to close gracefully before they are killed. */
const SERVICE_STOP_TIMEOUT_MS = 15_000;
const DATABASE_NAME = "tasklane";
const DEFAULT_EMBEDDED_PORT = 54329;

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
    },
    {
      name: "Web app",
      args: [nextBin, "start", "--hostname", webHost, "--port", String(webPort)],
      cwd: webRoot,
      env: productionEnvironment(env as Record<string, string>),
      host: webHost,
      port: webPort,
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
  const file = path.join(repoRoot, ".data", "better-auth-secret");
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
  url: string;
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
    database = await prepareDatabase();
    if (!stopSignal) await runMigrations(database.url);
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

/** DATABASE_URL when set, else the embedded server with its data under .data/postgres. */
async function prepareDatabase(): Promise<PreparedDatabase> {
  const configuredUrl = process.env.DATABASE_URL;
  if (configuredUrl) {
    return { url: configuredUrl, description: `${redact(configuredUrl)} (DATABASE_URL)` };
  }

  const port = Number(process.env.EMBEDDED_PG_PORT ?? DEFAULT_EMBEDDED_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(
      `EMBEDDED_PG_PORT must be a port number, got "${process.env.EMBEDDED_PG_PORT}".`,
    );
  }
  const dataDir = path.join(repoRoot, ".data", "postgres");
  let embedded: EmbeddedPostgres;
  try {
    embedded = await startEmbeddedPostgres({ dataDir, port });
  } catch (error) {
    if (error instanceof PortInUseError) {
      throw new Error(
        `${error.message} Set EMBEDDED_PG_PORT (in .env or the environment) to a free port, ` +
          "or set DATABASE_URL to use a PostgreSQL you run yourself.",
      );
    }
    throw error;
  }
  try {
    await ensureDatabaseExists(embedded.url, DATABASE_NAME);
    const url = new URL(embedded.url);
    url.pathname = `/${DATABASE_NAME}`;
    return {
      url: url.toString(),
      description: `embedded PostgreSQL on 127.0.0.1:${port}, data in ${path.relative(repoRoot, dataDir)}/`,
      embedded,
    };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}

async function ensureDatabaseExists(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
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
