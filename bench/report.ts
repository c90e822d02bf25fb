import type { LoadResult, Scenario } from "./load/scenarios";

export interface Measurement {
  target: "baseline" | "tasklane";
  scenario: Scenario;
  connections: number;
  result: LoadResult;
  peakRssBytes: number | null;
  /** The server's CPU time (all its processes) per request: what the noise of a shared box hides. */
  cpuUsPerRequest: number | null;
}

export interface ReportInput {
  measurements: Measurement[];
  /** Tasklane's RSS after each leak-check run on one server. */
  leakRssBytes: number[];
  setup: Record<string, string | number>;
}

/** The issue's targets, relative to the baseline measured in the same run. */
export const TARGETS = {
  minThroughputRatio: 0.8,
  maxP95RatioAt100: 1.25,
  maxLatencyMsAt1000: 5000,
  /** RSS growth from the second leak-check run to the last that counts as a leak. */
  maxLeakGrowth: 0.1,
};

const rps = (r: LoadResult) => r.requests / (r.duration_us / 1e6);
const ms = (us: number) => (us / 1000).toFixed(1);
const mib = (bytes: number | null) => (bytes === null ? "n/a" : `${Math.round(bytes / 2 ** 20)}`);
const errors = (r: LoadResult) => r.connect_errors + r.read_errors + r.write_errors + r.timeouts;

export function renderReport({ measurements, leakRssBytes, setup }: ReportInput) {
  const lines: string[] = [];
  const setupLine = Object.entries(setup)
    .map(([key, value]) => `${key}: ${value}`)
    .join(" · ");
  lines.push(`Setup: ${setupLine}`, "");
  lines.push(
    "| scenario | conns | server | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | non-2xx | RSS MiB | CPU µs/req |",
    "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  );
  for (const m of measurements) {
    const r = m.result;
    lines.push(
      `| ${m.scenario} | ${m.connections} | ${m.target} | ${Math.round(rps(r))} | ${ms(r.p50_us)} | ${ms(r.p95_us)} | ${ms(r.p99_us)} | ${ms(r.max_us)} | ${errors(r)} | ${r.non_2xx} | ${mib(m.peakRssBytes)} | ${m.cpuUsPerRequest === null ? "n/a" : Math.round(m.cpuUsPerRequest)} |`,
    );
  }

  const comparisons: Record<string, unknown>[] = [];
  let targetsMet = true;
  lines.push(
    "",
    "Tasklane as a ratio of the baseline (targets: throughput ≥ 0.80; p95 ≤ 1.25× at 100 connections; at 1,000: no errors, no non-2xx, no request over 5 s):",
    "",
    "| scenario | conns | throughput | p95 | errors + non-2xx | max ms | met |",
    "|---|---:|---:|---:|---:|---:|---|",
  );
  for (const tasklane of measurements.filter((m) => m.target === "tasklane")) {
    const baseline = measurements.find(
      (m) =>
        m.target === "baseline" &&
        m.scenario === tasklane.scenario &&
        m.connections === tasklane.connections,
    );
    if (!baseline) continue;
    const t = tasklane.result;
    const b = baseline.result;
    const throughputRatio = rps(t) / rps(b);
    const p95Ratio = t.p95_us / b.p95_us;
    const failures = errors(t) + t.non_2xx;
    const misses: string[] = [];
    if (throughputRatio < TARGETS.minThroughputRatio) misses.push("throughput");
    if (tasklane.connections <= 100 && p95Ratio > TARGETS.maxP95RatioAt100) misses.push("p95");
    if (tasklane.connections >= 1000) {
      if (failures > 0) misses.push("failures");
      if (t.max_us > TARGETS.maxLatencyMsAt1000 * 1000) misses.push("max latency");
    }
    if (misses.length > 0) targetsMet = false;
    comparisons.push({
      scenario: tasklane.scenario,
      connections: tasklane.connections,
      throughputRatio,
      p95Ratio,
      failures,
      misses,
    });
    lines.push(
      `| ${tasklane.scenario} | ${tasklane.connections} | ${throughputRatio.toFixed(2)} | ${p95Ratio.toFixed(2)}× | ${failures} | ${ms(t.max_us)} | ${misses.length === 0 ? "yes" : `no: ${misses.join(", ")}`} |`,
    );
  }

  // The first run fills the bounded caches (verified tokens, prepared statements) and the JIT:
  // growth is judged from the second run on.
  let leakGrowth: number | null = null;
  if (leakRssBytes.length >= 3) {
    const settled = leakRssBytes[1] as number;
    const last = leakRssBytes.at(-1) as number;
    leakGrowth = (last - settled) / settled;
    const leaks = leakGrowth > TARGETS.maxLeakGrowth;
    if (leaks) targetsMet = false;
    lines.push(
      "",
      `Leak check (Tasklane RSS after each mixed run on one server, MiB): ${leakRssBytes.map(mib).join(" → ")}; ` +
        `${(leakGrowth * 100).toFixed(1)} % from the second run to the last: ${leaks ? "GROWS" : "no growth beyond 10 %"}.`,
    );
  }
  lines.push("", `All targets met: ${targetsMet ? "yes" : "no"}.`);

  return {
    markdown: `${lines.join("\n")}\n`,
    json: { setup, measurements, comparisons, leakRssBytes, leakGrowth, targetsMet },
    targetsMet,
  };
}
