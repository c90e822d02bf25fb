import { type Database, schema } from "@tasklane/db";
import { and, asc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import type pg from "pg";
import type { JobName, JobPayloads } from "./registry";

type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** Where a job is written: the database, a Drizzle transaction, or a node-postgres client. */
export type JobWriter = Database | Transaction | pg.ClientBase;

export interface EnqueueOptions {
  /** Not before this time (default: now). */
  runAt?: Date;
  /** At most one job per name and key, whatever its state, until finished jobs are pruned. */
  singletonKey?: string;
  /** Retry delays in ms for this job, instead of its definition's. */
  retryDelaysMs?: readonly number[];
}

function drizzleOver(writer: JobWriter): Database | Transaction {
  // A node-postgres client (in its own BEGIN … COMMIT) is wrapped so the insert goes through it.
  return "select" in writer ? writer : drizzle({ client: writer as pg.PoolClient, schema });
}

/**
 * Adds a job. Written through `writer`, it commits or rolls back with the caller's transaction:
 * a job enqueued in a transaction that rolls back never runs. Returns the job's id, or null when
 * `singletonKey` is already taken.
 */
export async function enqueue<N extends JobName>(
  writer: JobWriter,
  name: N,
  payload: JobPayloads[N],
  options: EnqueueOptions = {},
): Promise<number | null> {
  const [row] = await drizzleOver(writer)
    .insert(schema.job)
    .values({
      name,
      payload: payload ?? {},
      singletonKey: options.singletonKey,
      ...(options.runAt ? { runAt: options.runAt } : {}),
      ...(options.retryDelaysMs ? { retryDelaysMs: [...options.retryDelaysMs] } : {}),
    })
    .onConflictDoNothing({ target: [schema.job.name, schema.job.singletonKey] })
    .returning({ id: schema.job.id });
  return row?.id ?? null;
}

/** Removes the pending job `name` with `singletonKey` (e.g. a reminder whose task moved). */
export async function cancel(
  writer: JobWriter,
  name: JobName,
  singletonKey: string,
): Promise<boolean> {
  const removed = await drizzleOver(writer)
    .delete(schema.job)
    .where(
      and(
        eq(schema.job.name, name),
        eq(schema.job.singletonKey, singletonKey),
        eq(schema.job.state, "pending"),
      ),
    )
    .returning({ id: schema.job.id });
  return removed.length > 0;
}

export async function findJob(db: Database, id: number): Promise<schema.JobRow | undefined> {
  const [row] = await db.select().from(schema.job).where(eq(schema.job.id, id));
  return row;
}

/** A job's attempts, first first: when each started and ended, how, and with which error. */
export function jobAttempts(db: Database, jobId: number): Promise<schema.JobAttemptRow[]> {
  return db
    .select()
    .from(schema.jobAttempt)
    .where(eq(schema.jobAttempt.jobId, jobId))
    .orderBy(asc(schema.jobAttempt.attempt));
}
