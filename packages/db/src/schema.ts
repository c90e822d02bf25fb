import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
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

/**
 * A tombstone per deleted account, written by a trigger on "user" (migration 0002) whoever
 * deletes the row: Better Auth's delete-user, an operator, a cascade. The API refuses the
 * account's tokens from then on, whatever their `exp`, and never provisions its row again.
 * Better Auth never reuses an id, so a tombstone is forever.
 */
export const deletedUser = pgTable("deleted_user", {
  userId: text("user_id").primaryKey(),
  deletedAt: timestamp("deleted_at", millis).notNull().defaultNow(),
});
