import type { Database } from "@tasklane/db";
import type { FastifyBaseLogger } from "fastify";

/**
 * Each job's name and payload type. A feature declares its own jobs by augmenting it:
 *
 *     declare module "../jobs/registry" {
 *       interface JobPayloads { "webhooks.deliver": { deliveryId: string } }
 *     }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by declaration merging
export interface JobPayloads {}

export type JobName = keyof JobPayloads & string;

export interface JobContext {
  jobId: number;
  /** 1 for the first run; a retry after a failure or a lost process counts one more. */
  attempt: number;
  /** When this attempt became due (for a periodic job: the start of its period). */
  dueAt: Date;
  /** Aborted when the attempt times out or the process stops past its shutdown grace. */
  signal: AbortSignal;
  /** The job runner's own pool: background work never takes the request pool's connections. */
  db: Database;
  log: FastifyBaseLogger;
}

export type JobHandler<N extends JobName> = (
  payload: JobPayloads[N],
  context: JobContext,
) => Promise<void>;

export interface JobOptions {
  /**
   * Delays before each retry after a failure, in ms; its length is the number of retries
   * (default none: one attempt). A job may override it when enqueued.
   */
  retryDelaysMs?: readonly number[];
  /** Each delay is moved by up to this fraction either way (0–1, default 0). */
  retryJitter?: number;
  /**
   * Longest run of one attempt (default 60 s): then its signal aborts and it counts as failed.
   * Also how long a process that died mid-run keeps the job before another takes it.
   */
  timeoutMs?: number;
}

export interface JobDefinition {
  name: JobName;
  handler: JobHandler<JobName>;
  retryDelaysMs: readonly number[];
  retryJitter: number;
  timeoutMs: number;
}

export interface PeriodicJob {
  name: JobName;
  everyMs: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

const definitions = new Map<JobName, JobDefinition>();
const periodic = new Map<JobName, PeriodicJob>();

/**
 * Declares how to run the jobs called `name`; every API process runs them (call it when the
 * feature's module loads, so that every process knows every job it may claim).
 */
export function registerJob<N extends JobName>(
  name: N,
  handler: JobHandler<N>,
  options: JobOptions = {},
): void {
  if (definitions.has(name)) throw new Error(`job "${name}" is registered twice`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retryJitter = options.retryJitter ?? 0;
  const retryDelaysMs = options.retryDelaysMs ?? [];
  if (!(timeoutMs > 0)) throw new Error(`job "${name}": timeoutMs must be positive`);
  if (!(retryJitter >= 0 && retryJitter <= 1)) throw new Error(`job "${name}": bad retryJitter`);
  if (retryDelaysMs.some((delay) => !(Number.isInteger(delay) && delay >= 0))) {
    throw new Error(`job "${name}": retry delays must be whole milliseconds`);
  }
  definitions.set(name, {
    name,
    handler: handler as JobHandler<JobName>,
    retryDelaysMs,
    retryJitter,
    timeoutMs,
  });
}

/**
 * A job that runs once per period of `everyMs` across every API process and replica (periods
 * are aligned on the database clock; one missed while no process runs is not caught up).
 * Its payload is empty; its handler's `dueAt` is the period's start.
 */
export function schedule<N extends JobName>(
  name: N,
  everyMs: number,
  handler: JobHandler<N>,
  options: JobOptions = {},
): void {
  if (!(Number.isInteger(everyMs) && everyMs >= 100)) {
    throw new Error(`periodic job "${name}": everyMs must be a whole number of ms, at least 100`);
  }
  registerJob(name, handler, options);
  periodic.set(name, { name, everyMs });
}

export function jobDefinition(name: string): JobDefinition | undefined {
  return definitions.get(name as JobName);
}

export function registeredJobs(): JobDefinition[] {
  return [...definitions.values()];
}

export function periodicJobs(): PeriodicJob[] {
  return [...periodic.values()];
}
