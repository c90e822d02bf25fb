/**
 * `npm run bench`: Tasklane's API against a minimal node:http + pg baseline, under the same load,
 * on the same freshly seeded database. See docs/benchmarks.md for what it measures and why.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { freePort } from "../apps/api/src/test/free-port";
import { JwksServer, signHs256 } from "../apps/api/src/test/jwks-server";
import { createBenchDatabase, type SeededUser, seed } from "./database";
import { type LoadResult, SCENARIOS, type Scenario } from "./load/scenarios";
import { hasCommand, type RunningServer, startServer } from "./processes";
import { type Measurement, renderReport } from "./report";

const repoRoot = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const HS256_SECRET = "benchmark-only-hs256-secret-0123456789";
/** Generous, so that late failures (a stalled pool answering after 30 s) are seen, not dropped. */
const LOAD_TIMEOUT_SECONDS = 30;

const { values: options } = parseArgs({
  options: {
    users: { type: "string", default: "10000" },
    "tasks-per-user": { type: "string", default: "10" },
    duration: { type: "string", default: "15" },
    warmup: { type: "string", default: "5" },
    connections: { type: "string", default: "100,1000" },
    scenarios: { type: "string", default: SCENARIOS.join(",") },
    targets: { type: "string", default: "baseline,tasklane" },
    workers: { type: "string", default: "2" },
    "leak-runs": { type: "string", default: "4" },
    "database-url": { type: "string", default: process.env.BENCH_DATABASE_URL },
    loader: { type: "string" },
    "cpu-prof": { type: "string" },
    out: { type: "string", default: path.join(repoRoot, "bench", "results") },
    help: { type: "boolean", default: false },
  },
});

if (options.help) {
  console.log(`npm run bench -- [options]
  --users N            seeded users (10000)
  --tasks-per-user N   tasks per user (10)
  --duration S         measured seconds per run (15); --warmup S before it (5)
  --connections LIST   concurrent connections (100,1000)
  --scenarios LIST     ${SCENARIOS.join(",")}
  --targets LIST       baseline,tasklane
  --workers N          processes per server, Tasklane's API_WORKERS and the baseline's (2)
  --leak-runs N        mixed runs at the highest connection count on one server (4; 0 skips;
                       RSS growth is judged from the second run, once caches are full)
  --database-url URL   PostgreSQL server to create the bench database on (BENCH_DATABASE_URL;
                       default: 127.0.0.1:5432 when it answers, else an embedded one)
  --loader wrk|autocannon   default: wrk when installed, else autocannon
  --cpu-prof DIR       run Tasklane under node --cpu-prof, profiles written to DIR
  --out DIR            where results.json and results.md go (bench/results)`);
  process.exit(0);
}

const list = (value: string | undefined) => (value ?? "").split(",").filter(Boolean);
const users = Number(options.users);
const tasksPerUser = Number(options["tasks-per-user"]);
const duration = Number(options.duration);
const warmup = Number(options.warmup);
const connectionCounts = list(options.connections).map(Number);
const scenarios = list(options.scenarios) as Scenario[];
const targets = list(options.targets) as Target[];
const workers = Number(options.workers);
const leakRuns = Number(options["leak-runs"]);
const loader = options.loader ?? (hasCommand("wrk") ? "wrk" : "autocannon");
for (const scenario of scenarios) {
  if (!SCENARIOS.includes(scenario)) throw new Error(`unknown scenario "${scenario}"`);
}

type Target = "baseline" | "tasklane";

const log = (line: string) => console.log(`[bench] ${line}`);

/** Runs the load generator in its own process and returns its summary. */
async function load(
  url: string,
  fixtures: string,
  scenario: Scenario,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const env = { ...process.env, BENCH_FIXTURES: fixtures, BENCH_SCENARIO: scenario };
  const args =
    loader === "wrk"
      ? [
          "wrk",
          "-t2",
          `-c${connections}`,
          `-d${seconds}s`,
          `--timeout`,
          `${LOAD_TIMEOUT_SECONDS}s`,
          "-s",
          path.join(repoRoot, "bench/load/wrk.lua"),
          url,
        ]
      : [
          process.execPath,
          "--import",
          "tsx",
          path.join(repoRoot, "bench/load/autocannon.ts"),
          url,
          String(connections),
          String(seconds),
          String(LOAD_TIMEOUT_SECONDS),
        ];
  const child = spawn(args[0] as string, args.slice(1), { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  const line = /^BENCH_RESULT (.*)$/m.exec(output)?.[1];
  if (code !== 0 || !line) throw new Error(`${loader} failed (exit ${code}):\n${output}`);
  return JSON.parse(line) as LoadResult;
}

/** A countdown on the terminal while a run measures, so a long benchmark shows it is alive. */
async function withCountdown<T>(label: string, seconds: number, work: Promise<T>): Promise<T> {
  if (!process.stdout.isTTY) {
    log(`${label} (${seconds} s)`);
    return work;
  }
  const started = Date.now();
  const tick = () => {
    const left = Math.max(0, seconds - Math.floor((Date.now() - started) / 1000));
    process.stdout.write(`\r[bench] ${label}: ${left} s left   `);
  };
  tick();
  const timer = setInterval(tick, 1000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
    process.stdout.write("\r\x1b[K");
  }
}

async function main() {
  const started = Date.now();
  const scratch = await mkdtemp(path.join(os.tmpdir(), "tasklane-bench-"));
  log(
    `load generator: ${loader}${loader === "autocannon" ? " (install wrk for lower overhead)" : ""}`,
  );
  const database = await createBenchDatabase(options["database-url"]);
  const jwks = await JwksServer.start();
  const servers: RunningServer[] = [];
  try {
    log(`database: ${database.description}`);
    const seedStarted = performance.now();
    const seeded = await seed(database.url, users, tasksPerUser);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    log(`seeded ${users} users × ${tasksPerUser} tasks in ${seedSeconds.toFixed(1)} s`);

    const expiresIn = 6 * 3600;
    const fixtureLines = async (mint: (user: SeededUser) => Promise<string>) => {
      const lines: string[] = [];
      for (const user of seeded) lines.push(`${await mint(user)}\t${user.taskIds.join(",")}`);
      return `${lines.join("\n")}\n`;
    };
    const fixtures: Record<Target, string> = {
      tasklane: path.join(scratch, "tasklane.tsv"),
      baseline: path.join(scratch, "baseline.tsv"),
    };
    // Tasklane gets Better Auth's default: EdDSA tokens checked against a JWKS over HTTP.
    await writeFile(
      fixtures.tasklane,
      await fixtureLines((user) => jwks.sign({ sub: user.id, expiresIn })),
    );
    await writeFile(
      fixtures.baseline,
      await fixtureLines((user) => signHs256({ sub: user.id, expiresIn }, HS256_SECRET)),
    );
    log(`minted ${seeded.length} EdDSA and ${seeded.length} HS256 tokens`);

    const logPath = path.join(scratch, "server.log");
    const start = async (target: Target): Promise<RunningServer> => {
      const port = await freePort();
      const logFile = openSync(logPath, "a");
      try {
        const server =
          target === "baseline"
            ? await startServer(
                "baseline",
                ["--import", "tsx", path.join(repoRoot, "bench/baseline/server.ts")],
                {
                  DATABASE_URL: database.url,
                  JWT_SECRET: HS256_SECRET,
                  BASELINE_PORT: String(port),
                  BASELINE_WORKERS: String(workers),
                },
                port,
                logFile,
              )
            : await startServer(
                "tasklane",
                [
                  ...(options["cpu-prof"]
                    ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(options["cpu-prof"])]
                    : []),
                  "--import",
                  "tsx",
                  path.join(repoRoot, "apps/api/src/server.ts"),
                ],
                {
                  DATABASE_URL: database.url,
                  API_PORT: String(port),
                  API_WORKERS: String(workers),
                  AUTH_JWKS_URL: jwks.url,
                  // Production settings, whatever a developer's .env says ("" means unset).
                  JWT_SECRET: "",
                  JWT_ISSUER: "",
                  JWT_AUDIENCE: "",
                  BETTER_AUTH_URL: "",
                  LOG_LEVEL: "info",
                  RATE_LIMIT_PER_MINUTE: "1200",
                },
                port,
                logFile,
              );
        servers.push(server);
        return server;
      } finally {
        closeSync(logFile);
      }
    };
    const stop = async (server: RunningServer) => {
      await server.stop();
      servers.splice(servers.indexOf(server), 1);
    };

    const measurements: Measurement[] = [];
    const total = connectionCounts.length * scenarios.length * targets.length;
    for (const connections of connectionCounts) {
      for (const scenario of scenarios) {
        for (const target of targets) {
          const label = `[${measurements.length + 1}/${total}] ${target} · ${scenario} · ${connections} connections`;
          const server = await start(target);
          try {
            await withCountdown(
              `${label}: warm-up`,
              warmup,
              load(server.url, fixtures[target], scenario, connections, warmup),
            );
            const cpuBefore = server.cpuMs();
            let peakRss: number | null = null;
            const sampler = setInterval(() => {
              const rss = server.rss();
              if (rss !== null) peakRss = Math.max(peakRss ?? 0, rss);
            }, 500);
            const result = await withCountdown(
              `${label}: measuring`,
              duration,
              load(server.url, fixtures[target], scenario, connections, duration),
            ).finally(() => clearInterval(sampler));
            const cpuAfter = server.cpuMs();
            const cpuUsPerRequest =
              cpuBefore === null || cpuAfter === null || result.requests === 0
                ? null
                : ((cpuAfter - cpuBefore) * 1000) / result.requests;
            measurements.push({
              target,
              scenario,
              connections,
              result,
              peakRssBytes: peakRss,
              cpuUsPerRequest,
            });
            const rps = result.requests / (result.duration_us / 1e6);
            log(
              `${label}: ${Math.round(rps)} req/s, p95 ${(result.p95_us / 1000).toFixed(1)} ms, ` +
                `${result.non_2xx} non-2xx, ${result.connect_errors + result.read_errors + result.write_errors + result.timeouts} errors`,
            );
          } finally {
            await stop(server);
          }
        }
      }
    }

    const leak: { rssBytes: number[] } = { rssBytes: [] };
    if (leakRuns > 0 && targets.includes("tasklane")) {
      const connections = Math.max(...connectionCounts);
      const server = await start("tasklane");
      try {
        for (let run = 1; run <= leakRuns; run++) {
          await withCountdown(
            `leak check: mixed · ${connections} connections, run ${run}/${leakRuns}`,
            duration,
            load(server.url, fixtures.tasklane, "mixed", connections, duration),
          );
          leak.rssBytes.push(server.rss() ?? 0);
        }
      } finally {
        await stop(server);
      }
    }

    const report = renderReport({
      measurements,
      leakRssBytes: leak.rssBytes,
      setup: {
        loader,
        users,
        tasksPerUser,
        seedSeconds,
        duration,
        warmup,
        workers,
        database: database.description,
        machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      },
    });
    console.log(`\n${report.markdown}`);
    await mkdir(options.out as string, { recursive: true });
    await writeFile(path.join(options.out as string, "results.md"), report.markdown);
    await writeFile(
      path.join(options.out as string, "results.json"),
      JSON.stringify(report.json, null, 2),
    );
    log(`wrote ${path.join(options.out as string, "results.md")} and results.json`);
    log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
    process.exitCode = report.targetsMet ? 0 : 1;
  } finally {
    for (const server of servers) await server.stop();
    await jwks.close();
    await database.drop();
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
