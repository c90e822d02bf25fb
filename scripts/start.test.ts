import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import {
  chmod,
  cp,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  unlink,
  writeFile,
} from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createTestDatabase, withPgClient } from "@tasklane/db/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_RELOCATION_DIR, startEmbeddedPostgres } from "./embedded-postgres";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const isRoot = process.getuid?.() === 0;
const LEGACY_PASSWORD = "tasklane";
/** For tests that start the stack twice (each start makes or checks a cluster and migrates). */
const TWO_STARTS_TIMEOUT_MS = 120_000;

// Stands in for the API: proves it got a migrated DATABASE_URL, and on a shutdown signal proves
// the database still answers before it exits (so PostgreSQL is stopped after it, not with it).
const STUB_SERVER = `
import http from "node:http";
import pg from "pg";
const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
await client.connect();
const { rows } = await client.query("SELECT current_database() AS name, count(*)::int AS tasks FROM task");
console.log(\`stub: database \${rows[0].name} with \${rows[0].tasks} tasks\`);
if (process.env.STUB_PROBE_ROLE) {
  const outcome = (query) => client.query(query).then(() => "allowed", (error) => error.code);
  const { rows: [role] } = await client.query(
    \`SELECT rolname, rolsuper,
       (SELECT count(*)::int FROM pg_class WHERE relowner = pg_roles.oid) AS owned,
       has_table_privilege('task', 'SELECT, INSERT, UPDATE, DELETE') AS writes,
       has_schema_privilege('drizzle', 'USAGE') AS migrations
     FROM pg_roles WHERE rolname = current_user\`,
  );
  console.log(\`stub: role \${role.rolname}, superuser \${role.rolsuper}, owns \${role.owned}, writes tasks \${role.writes}, sees migrations \${role.migrations}\`);
  console.log(\`stub: COPY TO PROGRAM \${await outcome("COPY (SELECT 1) TO PROGRAM 'true'")}\`);
  console.log(\`stub: CREATE TABLE \${await outcome("CREATE TABLE stub_probe (id int)")}\`);
}
if (process.env.STUB_ADD_TASK) {
  await client.query(\`INSERT INTO "user" (id, name, email) VALUES ('u1', 'User 1', 'u1@example.test')
    ON CONFLICT DO NOTHING\`);
  await client.query("INSERT INTO task (id, user_id, title) VALUES (gen_random_uuid(), 'u1', 'Kept')");
  console.log("stub: added a task");
}
const server = http.createServer((_request, response) => response.end("ok"));
server.listen(Number(process.env.API_PORT), process.env.API_HOST);
if (process.env.STUB_CRASH) setTimeout(() => process.exit(3), 200);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    // Like requests still draining.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { rows } = await client.query("SELECT 1 AS one");
    console.log(\`stub: \${signal}, database still answers: \${rows[0].one === 1}\`);
    await client.end();
    server.close(() => process.exit(0));
  });
}
`;

// Stands in for the web app's build helper: no build, and `next start` is a plain HTTP server.
const STUB_WEB_BUILD = `
import path from "node:path";
import { fileURLToPath } from "node:url";
export const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const nextBin = path.join(webRoot, "scripts", "stub-next.mjs");
export const productionEnvironment = (extra = {}) => ({ ...process.env, ...extra });
export async function ensureWebBuild() {}
`;
const STUB_NEXT = `
import http from "node:http";
const args = process.argv.slice(2);
const option = (name) => args[args.indexOf(name) + 1];
const server = http.createServer((_request, response) => response.end("web"));
server.listen(Number(option("--port")), option("--hostname"));
console.log(\`stub web: BETTER_AUTH_SECRET \${process.env.BETTER_AUTH_SECRET ? "set" : "missing"}\`);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
`;

/** A copy of the repository's start scripts with stub services, sharing its packages and node_modules. */
async function createRepositoryWithStubServices(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), "tasklane-start-test-"));
  // Embedded PostgreSQL runs as the postgres user under root and must reach .data inside.
  await chmod(root, 0o755);
  await cp(path.join(repoRoot, "scripts"), path.join(root, "scripts"), { recursive: true });
  await cp(path.join(repoRoot, "package.json"), path.join(root, "package.json"));
  for (const shared of ["packages", "node_modules"]) {
    await symlink(path.join(repoRoot, shared), path.join(root, shared));
  }
  await mkdir(path.join(root, "apps/api/src"), { recursive: true });
  await writeFile(path.join(root, "apps/api/src/server.ts"), STUB_SERVER);
  await mkdir(path.join(root, "apps/web/scripts"), { recursive: true });
  await writeFile(path.join(root, "apps/web/scripts/ensure-build.ts"), STUB_WEB_BUILD);
  await writeFile(path.join(root, "apps/web/scripts/stub-next.mjs"), STUB_NEXT);
  return root;
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

interface StartRun {
  child: ChildProcess;
  output: () => string;
  exitCode: Promise<number | null>;
}

/** Runs `start.ts` as a terminal would: a process group of its own, so Ctrl-C reaches all of it. */
function runStart(root: string, env: Record<string, string>): StartRun {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: root,
    env: { ...inherited, ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exitCode = once(child, "exit").then(([code]) => code as number | null);
  return { child, output: () => output, exitCode };
}

/** Ctrl-C, as a terminal sends it to the whole process group; resolves with the exit code. */
async function pressCtrlC(run: StartRun): Promise<number | null> {
  process.kill(-(run.child.pid as number), "SIGINT");
  return run.exitCode;
}

/** The error code a login as `user` with `password` gets, or "connected". */
async function loginOutcome(port: number, user: string, password: string): Promise<string> {
  const url = `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/tasklane`;
  return withPgClient(url, async () => "connected").catch(
    (error: { code?: string }) => error.code ?? String(error),
  );
}

// What another OS user tries against a running stack: read the password, or log in with the old one.
const INTRUDER = `
import { readFile } from "node:fs/promises";
import pg from "pg";
const [passwordFile, port] = process.argv.slice(2);
const outcome = { read: await readFile(passwordFile, "utf8").then(() => "read", (error) => error.code) };
for (const user of ["postgres", "tasklane_app"]) {
  const client = new pg.Client({ host: "127.0.0.1", port: Number(port), user, password: "${LEGACY_PASSWORD}", database: "tasklane" });
  outcome[user] = await client.connect().then(() => "connected", (error) => error.code ?? error.message);
  await client.end().catch(() => {});
}
console.log(JSON.stringify(outcome));
`;

/** Runs INTRUDER as the `nobody` user, with its own copy of `pg` (the repository may be private). */
async function tryAsNobody(passwordFile: string, port: number): Promise<Record<string, string>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "tasklane-intruder-"));
  try {
    await chmod(dir, 0o755);
    await copyWithDependencies("pg", dir, new Set());
    await writeFile(path.join(dir, "intruder.mjs"), INTRUDER, { mode: 0o644 });
    const { stdout } = await promisify(execFile)("runuser", [
      ...["-u", "nobody", "--", process.execPath, path.join(dir, "intruder.mjs")],
      ...[passwordFile, String(port)],
    ]);
    return JSON.parse(stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function copyWithDependencies(name: string, into: string, seen: Set<string>): Promise<void> {
  if (seen.has(name)) return;
  seen.add(name);
  const source = path.join(repoRoot, "node_modules", name);
  if (!existsSync(source)) return; // nested in the package that needs it, and copied with it
  await cp(source, path.join(into, "node_modules", name), { recursive: true, dereference: true });
  const manifest = JSON.parse(await readFile(path.join(source, "package.json"), "utf8"));
  for (const dependency of Object.keys(manifest.dependencies ?? {})) {
    await copyWithDependencies(dependency, into, seen);
  }
}

async function waitForOutput(run: StartRun, text: string): Promise<void> {
  while (!run.output().includes(text)) {
    if (run.child.exitCode !== null) throw new Error(`start.ts exited early:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("npm start", () => {
  let root: string;
  let run: StartRun | undefined;

  beforeEach(async () => {
    root = await createRepositoryWithStubServices();
  });

  afterEach(async () => {
    if (run?.child.exitCode === null) {
      run.child.kill("SIGTERM");
      await run.exitCode;
    }
    await rm(root, { recursive: true, force: true });
  });

  it("runs embedded PostgreSQL, the API and the web app, and on Ctrl-C stops them before the database", async () => {
    const apiPort = await freePort();
    run = runStart(root, {
      API_HOST: "127.0.0.1",
      API_PORT: String(apiPort),
      WEB_PORT: String(await freePort()),
      EMBEDDED_PG_PORT: String(await freePort()),
    });

    await waitForOutput(run, "Press Ctrl-C to stop.");
    expect(run.output()).toContain("stub: database tasklane with 0 tasks");
    expect(run.output()).toContain(`http://127.0.0.1:${apiPort}`);
    expect(run.output()).toContain("data in .data/postgres/");
    // A secret is generated on first start and kept with the data.
    expect(run.output()).toContain("stub web: BETTER_AUTH_SECRET set");

    expect(await pressCtrlC(run)).toBe(0);
    expect(run.output()).toContain("stub: SIGINT, database still answers: true");
  });

  it(
    "gives the apps a role that is no superuser, and keeps the superuser's password to the owner",
    async () => {
      const pgPort = await freePort();
      const ports = async () => ({
        API_HOST: "127.0.0.1",
        API_PORT: String(await freePort()),
        WEB_PORT: String(await freePort()),
        EMBEDDED_PG_PORT: String(pgPort),
        STUB_PROBE_ROLE: "1",
      });
      run = runStart(root, await ports());
      await waitForOutput(run, "Press Ctrl-C to stop.");
      expect(run.output()).toContain(
        "stub: role tasklane_app, superuser false, owns 0, writes tasks true, sees migrations false",
      );
      // 42501: insufficient privilege.
      expect(run.output()).toContain("stub: COPY TO PROGRAM 42501");
      expect(run.output()).toContain("stub: CREATE TABLE 42501");

      const passwordFile = path.join(root, ".data", "postgres-superuser-password");
      expect((await stat(passwordFile)).mode & 0o777).toBe(0o600);
      const password = (await readFile(passwordFile, "utf8")).trim();
      expect(password).toMatch(/^[\w-]{32}$/);
      expect(await loginOutcome(pgPort, "postgres", password)).toBe("connected");
      // 28P01: invalid password.
      expect(await loginOutcome(pgPort, "postgres", LEGACY_PASSWORD)).toBe("28P01");
      if (isRoot) {
        expect(await tryAsNobody(passwordFile, pgPort)).toEqual({
          read: "EACCES",
          postgres: "28P01",
          tasklane_app: "28P01",
        });
      }
      expect(await pressCtrlC(run)).toBe(0);

      // A cluster an earlier version made, with the fixed password and no password file.
      const legacy = await startEmbeddedPostgres({
        dataDir: path.join(root, ".data", "postgres"),
        passwordFile,
        port: pgPort,
      });
      // …and no app role: earlier versions had the apps log in as the superuser.
      await withPgClient(legacy.url.replace(/\/postgres$/, "/tasklane"), (client) =>
        client.query(`DROP OWNED BY tasklane_app; DROP ROLE tasklane_app;
          ALTER ROLE postgres PASSWORD '${LEGACY_PASSWORD}'`),
      );
      await legacy.stop();
      await unlink(passwordFile);

      run = runStart(root, await ports());
      await waitForOutput(run, "Press Ctrl-C to stop.");
      expect(run.output()).toContain("replaced the superuser's old fixed password");
      expect(run.output()).toContain(
        "stub: role tasklane_app, superuser false, owns 0, writes tasks true, sees migrations false",
      );
      expect(await loginOutcome(pgPort, "postgres", LEGACY_PASSWORD)).toBe("28P01");
      const rotated = (await readFile(passwordFile, "utf8")).trim();
      expect(rotated).not.toBe(password);
      expect((await stat(passwordFile)).mode & 0o777).toBe(0o600);
      expect(await loginOutcome(pgPort, "postgres", rotated)).toBe("connected");
      expect(await pressCtrlC(run)).toBe(0);
    },
    TWO_STARTS_TIMEOUT_MS,
  );

  it.each([
    ["WEB_PORT", "in use"],
    ["API_PORT", "in use"],
    ["EMBEDDED_PG_PORT", "in use"],
    ["WEB_PORT", "the API's"],
  ])("refuses to start when %s is %s, saying how to choose another", async (variable, taken) => {
    const ports: Record<string, string> = {
      API_HOST: "127.0.0.1",
      API_PORT: String(await freePort()),
      WEB_PORT: String(await freePort()),
      EMBEDDED_PG_PORT: String(await freePort()),
    };
    const holder = net.createServer();
    let message: string;
    if (taken === "in use") {
      await new Promise<void>((resolve) =>
        holder.listen(Number(ports[variable]), "127.0.0.1", resolve),
      );
      message = `port ${ports[variable]} (${variable}) is in use by another process; choose another with ${variable}=`;
    } else {
      ports[variable] = ports.API_PORT as string;
      message = `API_PORT and ${variable} are both ${ports.API_PORT}; set ${variable} to another port (e.g. ${variable}=`;
    }
    try {
      run = runStart(root, ports);
      expect(await run.exitCode).toBe(1);
    } finally {
      holder.close();
    }
    const line = run
      .output()
      .split("\n")
      .find((text) => text.includes(message));
    expect(line, run.output()).toMatch(/=(\d+) npm start/);
    const suggested = Number(/=(\d+) npm start/.exec(line ?? "")?.[1]);
    expect(Object.values(ports)).not.toContain(String(suggested));
    expect(run.output()).not.toContain("Tasklane is running");
    // Nothing was started: no database, no service.
    expect(run.output()).not.toContain("stub:");
    if (variable !== "EMBEDDED_PG_PORT")
      expect(existsSync(path.join(root, ".data", "postgres"))).toBe(false);
  });

  it(
    "keeps the cluster where the postgres user can reach it when the project is private to root",
    async () => {
      if (!isRoot) return; // only root runs PostgreSQL as another user
      await chmod(root, 0o700);
      const ports = async () => ({
        API_HOST: "127.0.0.1",
        API_PORT: String(await freePort()),
        WEB_PORT: String(await freePort()),
        EMBEDDED_PG_PORT: String(await freePort()),
      });
      const link = path.join(root, ".data", "postgres");
      let clusterDir: string | undefined;
      try {
        run = runStart(root, { ...(await ports()), STUB_ADD_TASK: "1" });
        await waitForOutput(run, "Press Ctrl-C to stop.");
        expect(run.output()).toContain("stub: database tasklane with 0 tasks");
        clusterDir = await readlink(link);
        expect(path.dirname(clusterDir)).toBe(DEFAULT_RELOCATION_DIR);
        expect(run.output()).toContain(`data in ${clusterDir}/ (.data/postgres links there)`);
        const { stdout: postgresUid } = await promisify(execFile)("id", ["-u", "postgres"]);
        expect((await stat(clusterDir)).uid).toBe(Number(postgresUid));
        expect(await pressCtrlC(run)).toBe(0);

        run = runStart(root, await ports());
        await waitForOutput(run, "Press Ctrl-C to stop.");
        expect(run.output()).toContain("stub: database tasklane with 1 tasks");
        expect((await lstat(link)).isSymbolicLink()).toBe(true);
        expect(await readlink(link)).toBe(clusterDir);
        expect(await pressCtrlC(run)).toBe(0);
      } finally {
        if (run?.child.exitCode === null) await pressCtrlC(run);
        // Also when the test failed before it read the link.
        const relocated = clusterDir ?? (await readlink(link).catch(() => undefined));
        if (relocated?.startsWith(`${DEFAULT_RELOCATION_DIR}/`)) {
          await rm(relocated, { recursive: true, force: true });
        }
      }
    },
    TWO_STARTS_TIMEOUT_MS,
  );

  it("uses DATABASE_URL, and stops everything when the API dies", async () => {
    const database = await createTestDatabase();
    try {
      run = runStart(root, {
        DATABASE_URL: database.url,
        API_HOST: "127.0.0.1",
        API_PORT: String(await freePort()),
        WEB_PORT: String(await freePort()),
        STUB_CRASH: "1",
      });
      expect(await run.exitCode).toBe(1);
      expect(run.output()).toContain(`stub: database ${database.name} with 0 tasks`);
      expect(run.output()).toContain("API exited with code 3; stopping everything.");
    } finally {
      await database.drop();
    }
  });
});
