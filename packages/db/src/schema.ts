import { type SQL, sql } from "drizzle-orm";
import {
  bigint,
  check,
  customType,
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

/** A text-search vector; only PostgreSQL reads it. */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

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
    /** The title's and description's English word stems, kept by PostgreSQL, for `q`. */
    searchWords: tsvector("search_words")
      .notNull()
      .generatedAlwaysAs(
        (): SQL =>
          sql`to_tsvector('english', ${task.title} || ' ' || COALESCE(${task.description}, ''))`,
      ),
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
    // Search (`q`): substrings through trigrams, words through their English stems. Two
    // single-column indexes, so the planner can OR them; the heap check keeps the user's rows.
    index("task_search_text_idx").using(
      "gin",
      sql`(${table.title} || ' ' || COALESCE(${table.description}, '')) gin_trgm_ops`,
    ),
    index("task_search_words_idx").using("gin", table.searchWords),
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

export const changeEntity = pgEnum("change_entity", ["task"]);
export const changeAction = pgEnum("change_action", ["create", "update", "complete", "delete"]);

/** PostgreSQL's 64-bit transaction id, as text (it exceeds a JS number's exact range). */
const xid8 = customType<{ data: string }>({ dataType: () => "xid8" });

/**
 * The change log: one entry per write of a user's entity, appended in the same statement or
 * transaction as the write. It is the one source of the task history (diffs of consecutive
 * states), the event stream and change feed (entries after a cursor) and the webhook outbox.
 * Every key and index leads with user_id, so it shards with the rest. No foreign key to the
 * entity: a deleted task's history stays; deleting the user deletes their log.
 */
export const changeLog = pgTable(
  "change_log",
  {
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    // Taken at insert, before commit: for one entity it is write order (its writes hold the
    // row's lock in turn), across entities a reader must also look at txid.
    cursor: bigint("cursor", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    /** The writing transaction: readers serve only entries older than every running one. */
    txid: xid8("txid").notNull().default(sql`pg_current_xact_id()`),
    entity: changeEntity("entity").notNull(),
    entityId: uuid("entity_id").notNull(),
    action: changeAction("action").notNull(),
    /** The entity's row after the write (to_jsonb of it); null after a delete. */
    state: jsonb("state").$type<Record<string, unknown>>(),
    requestId: text("request_id").notNull(),
    at: timestamp("at", millis).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ name: "change_log_pkey", columns: [table.userId, table.cursor] }),
    index("change_log_user_entity_idx").on(table.userId, table.entityId, table.cursor),
  ],
);

export type ChangeLogRow = typeof changeLog.$inferSelect;

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

/**
 * A tombstone per deleted account, written by a trigger on "user" (migration 0005) whoever
 * deletes the row: Better Auth's delete-user, an operator, a cascade. The API refuses the
 * account's tokens from then on, whatever their `exp`, and never provisions its row again.
 * Better Auth never reuses an id, so a tombstone is forever.
 */
export const deletedUser = pgTable("deleted_user", {
  userId: text("user_id").primaryKey(),
  deletedAt: timestamp("deleted_at", millis).notNull().defaultNow(),
});
