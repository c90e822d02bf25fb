/**
 * The load generator where `wrk` is not installed: autocannon, in a process of its own, with
 * the same fixtures and request mix as bench/load/wrk.lua. Prints one `BENCH_RESULT {json}` line.
 * Usage: tsx bench/load/autocannon.ts <url> <connections> <seconds> <timeout seconds>
 * (BENCH_FIXTURES and BENCH_SCENARIO as for wrk).
 */
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import { type LoadResult, percentile, SCENARIO_MIX, type Scenario } from "./scenarios";

const [url = "", connections, seconds, timeout] = process.argv.slice(2);
const scenario = process.env.BENCH_SCENARIO as Scenario;
const users = readFileSync(process.env.BENCH_FIXTURES ?? "", "utf8")
  .trim()
  .split("\n")
  .map((line) => {
    const [token = "", tasks = ""] = line.split("\t");
    return { authorization: `Bearer ${token}`, tasks: tasks.split(",") };
  });

const random = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)] as T;

function nextRequest() {
  const user = random(users);
  const headers = { authorization: user.authorization, "content-type": "application/json" };
  const roll = Math.random() * 100;
  const action = SCENARIO_MIX[scenario].find(([upTo]) => roll < upTo)?.[1] ?? "list";
  switch (action) {
    case "list":
      return { method: "GET" as const, path: "/api/tasks", headers };
    case "get":
      return { method: "GET" as const, path: `/api/tasks/${random(user.tasks)}`, headers };
    case "create":
      return {
        method: "POST" as const,
        path: "/api/tasks",
        headers,
        body: JSON.stringify({ title: `Benchmark task ${Math.floor(Math.random() * 1e9)}` }),
      };
    case "toggle":
      return {
        method: "PATCH" as const,
        path: `/api/tasks/${random(user.tasks)}/complete`,
        headers,
      };
  }
}

const latencies: number[] = [];
let non2xx = 0;
const instance = autocannon(
  {
    url,
    connections: Number(connections),
    duration: Number(seconds),
    timeout: Number(timeout),
    requests: [{ setupRequest: (request) => ({ ...request, ...nextRequest() }) }],
  },
  (error, result) => {
    if (error) throw error;
    report(result);
  },
);
instance.on("response", (_client, statusCode, _bytes, responseTime) => {
  latencies.push(responseTime);
  if (statusCode < 200 || statusCode > 299) non2xx++;
});

function report(result: autocannon.Result) {
  latencies.sort((a, b) => a - b);
  const ms = (p: number) => Math.round(percentile(latencies, p) * 1000);
  const summary: LoadResult = {
    requests: latencies.length,
    duration_us: Math.round(result.duration * 1e6),
    p50_us: ms(50),
    p95_us: ms(95),
    p99_us: ms(99),
    max_us: Math.round((latencies.at(-1) ?? 0) * 1000),
    connect_errors: 0,
    read_errors: result.errors - result.timeouts,
    write_errors: 0,
    timeouts: result.timeouts,
    non_2xx: non2xx,
  };
  console.log(`BENCH_RESULT ${JSON.stringify(summary)}`);
}
