import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { user } from "./auth-schema";

export * from "./auth-schema";

// PostgreSQL sorts enum values in declaration order, so ORDER BY priority
// is the contract's rank order (low < medium < high) and can use an index.
export const taskStatus = pgEnum("task_status", ["pending", "in_progress", "completed"]);
export const taskPriority = pgEnum("task_priority", ["low", "medium", "high"]);
export const taskCategory = pgEnum("task_category", ["work", "personal", "home", "other"]);

const millis = { withTimezone: true, precision: 3 } as const;

export const task = pgTable(
  "task",
  {
    id: uuid("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    description: text("description"),
    status: taskStatus("status").notNull().default("pending"),
    priority: taskPriority("priority").notNull().default("medium"),
    category: taskCategory("category").notNull().default("other"),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    dueDate: timestamp("due_date", millis),
    completedAt: timestamp("completed_at", millis),
    createdAt: timestamp("created_at", millis).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", millis).notNull().defaultNow(),
  },
  (table) => [
    // Every list is scoped to one user and sorted; each sort key gets an index
    // led by user_id, ending in id (the tie-breaker), so a page is an index range.
    index("task_user_created_idx").on(table.userId, table.createdAt, table.id),
    index("task_user_updated_idx").on(table.userId, table.updatedAt, table.id),
    index("task_user_due_idx").on(table.userId, table.dueDate, table.id),
    index("task_user_priority_idx").on(table.userId, table.priority, table.id),
    index("task_user_title_idx").on(table.userId, sql`lower(${table.title})`, table.id),
    index("task_tags_idx").using("gin", table.tags),
    check("task_title_length", sql`char_length(${table.title}) BETWEEN 1 AND 200`),
    check(
      "task_description_length",
      sql`${table.description} IS NULL OR char_length(${table.description}) <= 10000`,
    ),
    check("task_tags_count", sql`cardinality(${table.tags}) <= 20`),
    check(
      "task_completed_at_matches_status",
      sql`(${table.status} = 'completed') = (${table.completedAt} IS NOT NULL)`,
    ),
  ],
);

export type TaskRow = typeof task.$inferSelect;
export type NewTaskRow = typeof task.$inferInsert;

export const taskAuditAction = pgEnum("task_audit_action", [
  "create",
  "update",
  "complete",
  "delete",
]);

/** One field's values before and after a change; null where the task did not exist. */
export interface FieldChange {
  old: unknown;
  new: unknown;
}

/**
 * Every write to a task, written by the same statement as the write. No foreign key to task:
 * a deleted task's history stays. Deleting the user deletes their history with their tasks.
 */
export const taskAudit = pgTable(
  "task_audit",
  {
    // Identity order is write order for one task: its writes hold the row's lock in turn.
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    taskId: uuid("task_id").notNull(),
    action: taskAuditAction("action").notNull(),
    changes: jsonb("changes").$type<Record<string, FieldChange>>().notNull(),
    requestId: text("request_id").notNull(),
    at: timestamp("at", millis).notNull().defaultNow(),
  },
  (table) => [index("task_audit_user_task_idx").on(table.userId, table.taskId, table.id)],
);

export type TaskAuditRow = typeof taskAudit.$inferSelect;

export const jobState = pgEnum("job_state", ["pending", "running", "succeeded", "failed"]);
/** `lost`: the process running the attempt stopped (killed, or shut down past its grace). */
export const jobAttemptOutcome = pgEnum("job_attempt_outcome", ["succeeded", "failed", "lost"]);

/**
 * Background work (apps/api/src/jobs): one row per job, claimed with FOR UPDATE SKIP LOCKED by
 * whichever API process polls first. Finished rows are pruned after a retention period.
 */
export const job = pgTable(
  "job",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    name: text("name").notNull(),
    payload: jsonb("payload").$type<unknown>().notNull(),
    /** At most one job per name and key, in any state, until it is pruned. */
    singletonKey: text("singleton_key"),
    state: jobState("state").notNull().default("pending"),
    /**
     * When the job may next be taken: while pending, when it is due; while running, when its
     * lease ends (a process that died with it lets it go then).
     */
    runAt: timestamp("run_at", millis).notNull().defaultNow(),
    /** Attempts started so far; with `locked_by`, it names the claim that owns a running job. */
    attempts: integer("attempts").notNull().default(0),
    /** Attempts that failed (threw or timed out); the others were lost with their process. */
    failures: integer("failures").notNull().default(0),
    /** Delays before each retry, overriding the job definition's; the length bounds retries. */
    retryDelaysMs: integer("retry_delays_ms").array(),
    lockedBy: text("locked_by"),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", millis).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", millis),
  },
  (table) => [
    index("job_due_idx").on(table.runAt).where(sql`${table.state} IN ('pending', 'running')`),
    uniqueIndex("job_singleton_idx").on(table.name, table.singletonKey),
    index("job_finished_idx").on(table.finishedAt).where(sql`${table.finishedAt} IS NOT NULL`),
    check(
      "job_finished_at_matches_state",
      sql`(${table.state} IN ('succeeded', 'failed')) = (${table.finishedAt} IS NOT NULL)`,
    ),
  ],
);

export type JobRow = typeof job.$inferSelect;

/** One row per attempt at a job: the record its consumers (a delivery log) can show. */
export const jobAttempt = pgTable(
  "job_attempt",
  {
    jobId: bigint("job_id", { mode: "number" })
      .notNull()
      .references(() => job.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    worker: text("worker").notNull(),
    startedAt: timestamp("started_at", millis).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", millis),
    /** Null while the attempt runs. */
    outcome: jobAttemptOutcome("outcome"),
    error: text("error"),
  },
  (table) => [primaryKey({ columns: [table.jobId, table.attempt] })],
);

export type JobAttemptRow = typeof jobAttempt.$inferSelect;
