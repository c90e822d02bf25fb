import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { chmod, cp, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase } from "@tasklane/db/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

// Stands in for the API: proves it got a migrated DATABASE_URL, and on a shutdown signal proves
// the database still answers before it exits (so PostgreSQL is stopped after it, not with it).
const STUB_SERVER = `
import http from "node:http";
import pg from "pg";
const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
await client.connect();
const { rows } = await client.query("SELECT current_database() AS name, count(*)::int AS tasks FROM task");
console.log(\`stub: database \${rows[0].name} with \${rows[0].tasks} tasks\`);
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

    process.kill(-(run.child.pid as number), "SIGINT");
    expect(await run.exitCode).toBe(0);
    expect(run.output()).toContain("stub: SIGINT, database still answers: true");
  });

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
