/** What a load run measures, in wrk's units (µs); autocannon's results are converted to them. */
export interface LoadResult {
  requests: number;
  duration_us: number;
  p50_us: number;
  p95_us: number;
  p99_us: number;
  max_us: number;
  connect_errors: number;
  read_errors: number;
  write_errors: number;
  timeouts: number;
  non_2xx: number;
}

export const SCENARIOS = ["list", "get", "create", "toggle", "mixed"] as const;
export type Scenario = (typeof SCENARIOS)[number];
type Action = "list" | "get" | "create" | "toggle";

/** Each scenario's actions with cumulative percentages; mixed is 70 % reads, 30 % writes. */
export const SCENARIO_MIX: Record<Scenario, [number, Action][]> = {
  list: [[100, "list"]],
  get: [[100, "get"]],
  create: [[100, "create"]],
  toggle: [[100, "toggle"]],
  mixed: [
    [35, "list"],
    [70, "get"],
    [85, "create"],
    [100, "toggle"],
  ],
};

/** The p-th percentile of ascending values (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}
