import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Database } from "@tasklane/db";
import type { FastifyBaseLogger } from "fastify";
import type pg from "pg";
import {
  type JobDefinition,
  jobDefinition,
  type PeriodicJob,
  periodicJobs,
  registeredJobs,
} from "./registry";

export interface JobRunnerOptions {
  /** The runner's own pool, and Drizzle over it for the handlers. */
  pool: pg.Pool;
  db: Database;
  log: FastifyBaseLogger;
  /** Jobs this process runs at once. */
  concurrency: number;
  /** How often an idle runner looks for due jobs. */
  pollIntervalMs: number;
  /** On stop, how long running jobs may take to finish before they are handed back. */
  shutdownGraceMs: number;
}

/** A lease outlives its attempt's timeout by this much, so the attempt ends before it lapses. */
const LEASE_MARGIN_MS = 1000;
/** A job lost with its process more often than this (one that crashes it?) is failed. */
const MAX_LOST_ATTEMPTS = 3;
const MAX_ERROR_LENGTH = 2000;

interface ClaimedJob {
  id: number;
  name: string;
  payload: unknown;
  attempt: number;
  failures: number;
  retryDelaysMs: number[] | null;
  dueAt: Date;
}

interface RunningJob {
  controller: AbortController;
  done: Promise<void>;
}

/** The reason a running job's signal aborts when the process stops past its grace. */
class ShutdownInterruption extends Error {
  override name = "ShutdownInterruption";
}

class JobTimeout extends Error {
  override name = "JobTimeout";
}

// One statement (no explicit transaction, no session state: PgBouncer's transaction mode is
// fine): take due jobs and jobs whose lease lapsed, lease them, mark the lapsed attempts lost,
// and record the new attempts.
const CLAIM = `
WITH lease AS (
  SELECT * FROM unnest($1::text[], $2::int[]) AS lease(name, ms)
), due AS (
  SELECT job.id, job.run_at AS due_at, job.state AS prior_state
  FROM job
  WHERE job.state IN ('pending', 'running') AND job.run_at <= now() AND job.name = ANY($1::text[])
  ORDER BY job.run_at
  LIMIT $3
  FOR UPDATE SKIP LOCKED
), claimed AS (
  UPDATE job
  SET state = 'running', attempts = job.attempts + 1, locked_by = $4,
      run_at = now() + lease.ms * interval '1 millisecond'
  FROM due, lease
  WHERE job.id = due.id AND lease.name = job.name
  RETURNING job.id, job.name, job.payload, job.attempts, job.failures, job.retry_delays_ms,
            due.due_at, due.prior_state
), lost AS (
  UPDATE job_attempt
  SET outcome = 'lost', finished_at = now(), error = 'the process running it stopped first'
  FROM claimed
  WHERE claimed.prior_state = 'running' AND job_attempt.job_id = claimed.id
    AND job_attempt.finished_at IS NULL
), started AS (
  INSERT INTO job_attempt (job_id, attempt, worker) SELECT id, attempts, $4 FROM claimed
)
SELECT id, name, payload, attempts, failures, retry_delays_ms, due_at FROM claimed`;

// Each ending changes the job only while this claim still owns it (locked_by and attempt), and
// records the attempt's outcome in any case.
const SUCCEED = `
WITH finished AS (
  UPDATE job SET state = 'succeeded', finished_at = now(), locked_by = NULL, last_error = NULL
  WHERE id = $1 AND locked_by = $2 AND attempts = $3 AND state = 'running'
)
UPDATE job_attempt SET outcome = 'succeeded', finished_at = now()
WHERE job_id = $1 AND attempt = $3`;

// $4: the delay before the next attempt, or null when none is left (the job has failed).
const FAIL = `
WITH finished AS (
  UPDATE job
  SET state = CASE WHEN $4::int IS NULL THEN 'failed' ELSE 'pending' END::job_state,
      run_at = CASE WHEN $4::int IS NULL THEN run_at ELSE now() + $4::int * interval '1 millisecond' END,
      finished_at = CASE WHEN $4::int IS NULL THEN now() END,
      failures = failures + 1, locked_by = NULL, last_error = $5
  WHERE id = $1 AND locked_by = $2 AND attempts = $3 AND state = 'running'
)
UPDATE job_attempt SET outcome = 'failed', finished_at = now(), error = $5
WHERE job_id = $1 AND attempt = $3`;

const RELEASE = `
WITH released AS (
  UPDATE job SET state = 'pending', run_at = now(), locked_by = NULL
  WHERE id = $1 AND locked_by = $2 AND attempts = $3 AND state = 'running'
)
UPDATE job_attempt SET outcome = 'lost', finished_at = now(), error = 'the process stopped first'
WHERE job_id = $1 AND attempt = $3`;

// The period is the database clock's, so every process agrees on it whatever its own clock says;
// the unique (name, singleton_key) makes one job per period however many processes insert it.
// Answers how long until the next period starts.
const ENQUEUE_PERIOD = `
WITH period AS (
  SELECT floor(extract(epoch FROM now()) * 1000 / $2::bigint)::bigint * $2::bigint AS start_ms
), inserted AS (
  INSERT INTO job (name, payload, singleton_key, run_at)
  SELECT $1, '{}'::jsonb, 'every ' || $2::bigint || ' ms from ' || start_ms,
         to_timestamp(start_ms / 1000.0)
  FROM period
  ON CONFLICT (name, singleton_key) DO NOTHING
)
SELECT (start_ms + $2::bigint - extract(epoch FROM now()) * 1000)::float8 AS next_in_ms FROM period`;

/** The delay after failure number `failure` (1-based), or null when no retry is left. */
export function retryDelay(
  delays: readonly number[],
  jitter: number,
  failure: number,
  random: () => number = Math.random,
): number | null {
  const delay = delays[failure - 1];
  if (delay === undefined) return null;
  return Math.round(delay * (1 + jitter * (2 * random() - 1)));
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, MAX_ERROR_LENGTH);
}

/**
 * Runs the registered jobs in this process: polls for due ones, at most `concurrency` at a time,
 * and enqueues the periodic ones. Any number of runners (cluster workers, replicas) may share a
 * database: each job's attempt is claimed by one of them.
 */
export class JobRunner {
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  private readonly active = new Map<number, RunningJob>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly ticks = new Set<Promise<void>>();
  private stopping = false;
  private saturated = false;
  /** Whether the last look for due jobs failed: an outage is logged once, not every poll. */
  private unreachable = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private stopped: Promise<void> | null = null;

  constructor(private readonly options: JobRunnerOptions) {}

  start(): void {
    if (this.loop || this.stopping) return;
    this.loop = this.pollLoop();
    for (const periodic of periodicJobs()) this.tick(periodic);
  }

  /**
   * Takes no more jobs, lets running ones finish within the grace, then hands the rest back
   * (their signals abort, their jobs are due again at once). Never rejects.
   */
  stop(): Promise<void> {
    this.stopped ??= this.shutDown();
    return this.stopped;
  }

  private async shutDown(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.wake?.();
    await this.loop;
    await Promise.all(this.ticks);
    const finished = Promise.all([...this.active.values()].map((job) => job.done));
    let graceTimer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      graceTimer = setTimeout(resolve, this.options.shutdownGraceMs);
    });
    await Promise.race([finished, grace]);
    clearTimeout(graceTimer);
    for (const job of this.active.values()) job.controller.abort(new ShutdownInterruption());
    await Promise.all([...this.active.values()].map((job) => job.done));
  }

  private async pollLoop(): Promise<void> {
    while (!this.stopping) {
      const free = this.options.concurrency - this.active.size;
      if (free > 0) {
        let claimed = 0;
        try {
          claimed = await this.claim(free);
          if (this.unreachable) this.options.log.info("looking for due jobs again");
          this.unreachable = false;
        } catch (error) {
          if (!this.unreachable) this.options.log.warn({ err: error }, "cannot look for due jobs");
          this.unreachable = true;
        }
        this.saturated = claimed === free;
        // A full batch: more may be due, so look again as soon as there is room.
        if (this.saturated && !this.stopping) continue;
      }
      await this.sleep(this.options.pollIntervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async claim(limit: number): Promise<number> {
    const definitions = registeredJobs();
    if (definitions.length === 0) return 0;
    const { rows } = await this.options.pool.query(CLAIM, [
      definitions.map((definition) => definition.name),
      definitions.map((definition) => definition.timeoutMs + LEASE_MARGIN_MS),
      limit,
      this.workerId,
    ]);
    for (const row of rows) {
      this.startJob({
        id: Number(row.id),
        name: row.name,
        payload: row.payload,
        attempt: row.attempts,
        failures: row.failures,
        retryDelaysMs: row.retry_delays_ms,
        dueAt: row.due_at,
      });
    }
    return rows.length;
  }

  private startJob(job: ClaimedJob): void {
    const controller = new AbortController();
    const done = this.run(job, controller).finally(() => {
      this.active.delete(job.id);
      if (this.saturated) this.wake?.();
    });
    this.active.set(job.id, { controller, done });
  }

  private async run(job: ClaimedJob, controller: AbortController): Promise<void> {
    const definition = jobDefinition(job.name) as JobDefinition;
    const delays = job.retryDelaysMs ?? definition.retryDelaysMs;
    const log = this.options.log.child({ job: job.name, jobId: job.id, attempt: job.attempt });
    const fence = [job.id, this.workerId, job.attempt];
    try {
      const lost = job.attempt - 1 - job.failures;
      if (lost > MAX_LOST_ATTEMPTS) {
        const error = `lost with its process ${lost} times`;
        await this.options.pool.query(FAIL, [...fence, null, error]);
        log.error(`job failed: ${error}`);
        return;
      }
      const timeout = setTimeout(
        () => controller.abort(new JobTimeout(`timed out after ${definition.timeoutMs} ms`)),
        definition.timeoutMs,
      );
      const aborted = new Promise<never>((_, reject) => {
        controller.signal.addEventListener("abort", () => reject(controller.signal.reason), {
          once: true,
        });
      });
      try {
        await Promise.race([
          definition.handler(job.payload as never, {
            jobId: job.id,
            attempt: job.attempt,
            dueAt: job.dueAt,
            signal: controller.signal,
            db: this.options.db,
            log,
          }),
          aborted,
        ]);
      } catch (error) {
        if (error instanceof ShutdownInterruption) {
          await this.options.pool.query(RELEASE, fence);
          log.info("job handed back: the process is stopping");
          return;
        }
        const delay = retryDelay(delays, definition.retryJitter, job.failures + 1);
        await this.options.pool.query(FAIL, [...fence, delay, errorText(error)]);
        log.warn(
          { err: error, retryInMs: delay },
          delay === null ? "job failed" : "job attempt failed",
        );
        return;
      } finally {
        clearTimeout(timeout);
      }
      await this.options.pool.query(SUCCEED, fence);
    } catch (error) {
      // The outcome could not be written: the lease lapses and the job runs again.
      log.error({ err: error }, "could not record a job's outcome");
    }
  }

  /** Enqueues the current period's job of `periodic` and plans the next tick. */
  private tick(periodic: PeriodicJob): void {
    if (this.stopping) return;
    const tick = this.options.pool
      .query(ENQUEUE_PERIOD, [periodic.name, periodic.everyMs])
      .then(
        ({ rows }) => Math.max(0, Number(rows[0]?.next_in_ms)),
        (error: unknown) => {
          this.options.log.warn({ err: error, job: periodic.name }, "could not enqueue a period");
          return Math.min(periodic.everyMs, this.options.pollIntervalMs);
        },
      )
      .then((nextInMs) => {
        if (this.stopping) return;
        // A little past the boundary, so the database's clock has reached the next period too.
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.tick(periodic);
        }, nextInMs + 10);
        this.timers.add(timer);
      })
      .finally(() => this.ticks.delete(tick));
    this.ticks.add(tick);
  }
}
