import type {
  ListTasksQuery,
  Task,
  TaskFieldChanges,
  TaskHistoryAction,
  TaskHistoryEntry,
  TaskSortField,
} from "@tasklane/contract";
import { TASK_SORT_ALIASES } from "@tasklane/contract";
import { type Database, preparedQuery, schema } from "@tasklane/db";
import {
  and,
  asc,
  count,
  desc,
  eq,
  getTableColumns,
  gt,
  lt,
  ne,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import { PgDialect, type PgUpdateSetSource } from "drizzle-orm/pg-core";
import type { TypedQueryBuilder } from "drizzle-orm/query-builders/query-builder";
import { v7 as uuidv7 } from "uuid";
import type { TaskChanges } from "./input";

const { task, taskAudit } = schema;
/** Statements are built once and reused (preparedQuery): values go in through placeholders. */
const param = sql.placeholder;
type TaskRow = typeof task.$inferSelect;

export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    user_id: row.userId,
    title: row.title,
    description: row.description,
    status: row.status,
    completed: row.status === "completed",
    priority: row.priority,
    category: row.category,
    tags: row.tags,
    due_date: row.dueDate?.toISOString() ?? null,
    completed_at: row.completedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

interface TaskKey {
  userId: string;
  id: string;
}

/** The owner's task, by the `id` and `userId` placeholders. */
const ownedBy = and(eq(task.id, param("id")), eq(task.userId, param("userId")));

// Strictly later than the previous value even within one millisecond.
const nextUpdatedAt = sql`GREATEST(now(), ${task.updatedAt} + interval '1 millisecond')`;

function completedAtFor(status: TaskChanges["status"]) {
  return status === "completed" ? sql`COALESCE(${task.completedAt}, now())` : null;
}

// The audit trail: every write is one statement, `WITH written AS (<the write> RETURNING …),
// audited AS (INSERT INTO task_audit … SELECT … FROM written) SELECT … FROM written`, so the
// change and its record commit together, in one round trip.

const dialect = new PgDialect();

/**
 * A fragment without parameters, rendered to SQL text once: the JSON building below is the
 * same for every write, and rebuilding it with Drizzle on each request costs more than the rest.
 */
function prerendered<T>(fragment: SQL<T>): SQL<T> {
  return sql.raw(dialect.sqlToQuery(fragment).sql) as SQL<T>;
}

/** The fields a history entry records (updated_at is the entry's own `at`). */
const AUDITED_COLUMNS = [
  task.title,
  task.description,
  task.status,
  task.priority,
  task.category,
  task.tags,
  task.dueDate,
  task.completedAt,
];

/** The audited fields of the task row in scope, as JSON under their API names and formats. */
const AUDITED_FIELDS = prerendered(
  sql`jsonb_build_object(${sql.join(
    AUDITED_COLUMNS.map((column) => {
      const value =
        column.columnType === "PgTimestamp"
          ? sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
          : sql`${column}`;
      return sql`${sql.raw(`'${column.name}'`)}, ${value}`;
    }),
    sql`, `,
  )})`,
);

/**
 * `{"field": {"old": …, "new": …}}` for each field whose value differs between two
 * AUDITED_FIELDS; a NULL side (before a create, after a delete) has every field null.
 */
function fieldChanges(before: SQL, after: SQL): SQL<TaskFieldChanges> {
  const oldValue = sql`COALESCE(before_field.value, 'null')`;
  const newValue = sql`COALESCE(after_field.value, 'null')`;
  const change = sql`jsonb_build_object('old', ${oldValue}, 'new', ${newValue})`;
  return prerendered(sql<TaskFieldChanges>`(
    SELECT COALESCE(jsonb_object_agg(key, ${change}), '{}'::jsonb)
    FROM jsonb_each(${before}) AS before_field
      FULL JOIN jsonb_each(${after}) AS after_field USING (key)
    WHERE ${oldValue} IS DISTINCT FROM ${newValue})`);
}

/** An update's old values: AUDITED_FIELDS of the row locked before it is changed. */
const BEFORE = { alias: "before", fields: "before_fields" } as const;

const CREATE_CHANGES = fieldChanges(sql`NULL::jsonb`, AUDITED_FIELDS);
const UPDATE_CHANGES = fieldChanges(
  sql`${sql.identifier(BEFORE.alias)}.${sql.identifier(BEFORE.fields)}`,
  AUDITED_FIELDS,
);
const DELETE_CHANGES = fieldChanges(AUDITED_FIELDS, sql`NULL::jsonb`);

/** What a write returns: the task's columns, and the `changes` and `at` of its audit record. */
function returningAudited(changes: SQL<TaskFieldChanges>, at: SQL) {
  return {
    ...getTableColumns(task),
    changes: changes.as("changes"),
    at: sql<Date>`${at}`.as("at"),
  };
}

/**
 * Runs a write and inserts its audit record in the same statement; the written row, if any.
 * The statement is built once per `shape` (which columns it writes) and reused with `values`
 * for its placeholders, plus `requestId`.
 */
async function auditedWrite(
  db: Database,
  action: TaskHistoryAction,
  shape: string,
  build: () => TypedQueryBuilder<ReturnType<typeof returningAudited>>,
  values: Record<string, unknown>,
): Promise<TaskRow | undefined> {
  const [row] = await preparedQuery(db, `${action}:${shape}`, () => {
    const written = db.$with("written").as(build());
    const audited = db.$with("audited", {}).as(
      sql`INSERT INTO task_audit (user_id, task_id, action, changes, request_id, at)
        SELECT user_id, id, ${sql.raw(`'${action}'`)}::task_audit_action, changes,
          ${param("requestId")}, at FROM written`,
    );
    // The caller gets the task; the audit columns stay in the statement.
    const { changes: _changes, at: _at, ...taskColumns } = written._.selectedFields;
    return db.with(written, audited).select(taskColumns).from(written);
  }).execute(values);
  return row as TaskRow | undefined;
}

/**
 * Placeholders named after the changed fields, for a statement reused across values. Wrapped
 * in `sql` so Drizzle passes each value to node-postgres as it is (a bare placeholder goes
 * through the column's encoder, which fails on a null date).
 */
function changePlaceholders(changes: TaskChanges) {
  return Object.fromEntries(Object.keys(changes).map((field) => [field, sql`${param(field)}`]));
}

/** Which fields a write sets, and so its SQL: the key of its prepared statement. */
const changedFields = (changes: TaskChanges) => Object.keys(changes).sort().join(",");

/**
 * Updates the owner's task and records it. The old values come from the same row, locked first
 * (`UPDATE task … FROM (SELECT … FOR NO KEY UPDATE) AS before`, the lock the update takes
 * anyway), so they are the ones this update replaced even when writes to the task race.
 */
function auditedUpdate(
  db: Database,
  action: TaskHistoryAction,
  shape: string,
  changes: () => PgUpdateSetSource<typeof task>,
  values: Record<string, unknown>,
): Promise<TaskRow | undefined> {
  return auditedWrite(
    db,
    action,
    shape,
    () => {
      const before = db
        .select({ id: task.id, fields: AUDITED_FIELDS.as(BEFORE.fields) })
        .from(task)
        .where(ownedBy)
        .for("no key update")
        .as(BEFORE.alias);
      return db
        .update(task)
        .set({ ...changes(), updatedAt: nextUpdatedAt })
        .from(before)
        .where(eq(task.id, before.id))
        .returning(returningAudited(UPDATE_CHANGES, sql`${task.updatedAt}`));
    },
    values,
  );
}

export async function createTask(
  db: Database,
  params: { userId: string; changes: TaskChanges & { title: string }; requestId: string },
): Promise<Task> {
  const { changes } = params;
  const completed = changes.status === "completed";
  const row = await auditedWrite(
    db,
    "create",
    `${changedFields(changes)}${completed ? ":completed" : ""}`,
    () =>
      db
        .insert(task)
        .values({
          id: param("id"),
          userId: param("userId"),
          ...changePlaceholders(changes),
          title: param("title"),
          completedAt: completed ? sql`now()` : null,
        })
        .returning(returningAudited(CREATE_CHANGES, sql`${task.createdAt}`)),
    { ...changes, id: uuidv7(), userId: params.userId, requestId: params.requestId },
  );
  return toTask(row as TaskRow);
}

export async function getTask(db: Database, params: TaskKey): Promise<Task | null> {
  const [row] = await preparedQuery(db, "get", () => db.select().from(task).where(ownedBy)).execute(
    { id: params.id, userId: params.userId },
  );
  return row ? toTask(row) : null;
}

export async function updateTask(
  db: Database,
  params: TaskKey & { changes: TaskChanges; requestId: string },
): Promise<Task | null> {
  const { changes } = params;
  const row = await auditedUpdate(
    db,
    "update",
    `${changedFields(changes)}:${changes.status ?? ""}`,
    () => ({
      ...changePlaceholders(changes),
      ...(changes.status !== undefined ? { completedAt: completedAtFor(changes.status) } : {}),
    }),
    { ...changes, id: params.id, userId: params.userId, requestId: params.requestId },
  );
  return row ? toTask(row) : null;
}

/** Sets completion, or toggles it when `completed` is undefined, in one atomic UPDATE. */
export async function completeTask(
  db: Database,
  params: TaskKey & { completed?: boolean; requestId: string },
): Promise<Task | null> {
  const toggles = params.completed === undefined;
  const row = await auditedUpdate(
    db,
    "complete",
    toggles ? "toggle" : "set",
    () => {
      const becomesCompleted = toggles
        ? sql`${task.status} <> 'completed'`
        : sql`${param("completed")}::boolean`;
      return {
        status: sql`CASE WHEN ${becomesCompleted} THEN 'completed'::task_status
          WHEN ${task.status} = 'completed' THEN 'pending'::task_status
          ELSE ${task.status} END`,
        completedAt: sql`CASE WHEN ${becomesCompleted} THEN COALESCE(${task.completedAt}, now()) END`,
      };
    },
    {
      id: params.id,
      userId: params.userId,
      completed: params.completed,
      requestId: params.requestId,
    },
  );
  return row ? toTask(row) : null;
}

export async function deleteTask(
  db: Database,
  params: TaskKey & { requestId: string },
): Promise<boolean> {
  const row = await auditedWrite(
    db,
    "delete",
    "",
    () =>
      db
        .delete(task)
        .where(ownedBy)
        // A delete is recorded as happening after the task's last update, like any other write.
        .returning(returningAudited(DELETE_CHANGES, nextUpdatedAt)),
    { id: params.id, userId: params.userId, requestId: params.requestId },
  );
  return row !== undefined;
}

type TaskAuditRow = typeof taskAudit.$inferSelect;

function toHistoryEntry(row: TaskAuditRow): TaskHistoryEntry {
  return {
    id: row.id,
    task_id: row.taskId,
    action: row.action,
    // Written only by fieldChanges(), which keys them by the audited fields.
    changes: row.changes as TaskFieldChanges,
    request_id: row.requestId,
    at: row.at.toISOString(),
  };
}

/**
 * A page of the audit records of the owner's task, oldest first, and how many it has in all;
 * 0 for a task the user never had. Works for deleted tasks too.
 */
export async function listTaskHistory(
  db: Database,
  params: TaskKey & { limit: number; offset: number },
): Promise<{ entries: TaskHistoryEntry[]; total: number }> {
  const ofTask = and(eq(taskAudit.userId, params.userId), eq(taskAudit.taskId, params.id));
  const rows = await db
    .select({ ...getTableColumns(taskAudit), total: sql<string>`count(*) OVER ()` })
    .from(taskAudit)
    .where(ofTask)
    .orderBy(asc(taskAudit.id))
    .limit(params.limit)
    .offset(params.offset);
  if (rows.length > 0) {
    return { entries: rows.map(toHistoryEntry), total: Number(rows[0]?.total) };
  }
  if (params.offset === 0) return { entries: [], total: 0 };
  // A page past the end has no row to carry the window count.
  const [counted] = await db.select({ total: count() }).from(taskAudit).where(ofTask);
  return { entries: [], total: counted?.total ?? 0 };
}

/** `%`, `_` and `\` in a search match only themselves. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export type ListFilters = ListTasksQuery & { dueBefore?: Date; dueAfter?: Date };

/** The filters' conditions, their values left as placeholders (see listValues). */
function filterConditions(filters: ListFilters): SQL[] {
  const conditions: SQL[] = [eq(task.userId, param("userId"))];
  switch (filters.status) {
    case "pending":
    case "in_progress":
    case "completed":
      conditions.push(eq(task.status, param("status")));
      break;
    case "active":
      conditions.push(ne(task.status, "completed"));
      break;
  }
  if (filters.completed !== undefined) {
    conditions.push(
      filters.completed ? eq(task.status, "completed") : ne(task.status, "completed"),
    );
  }
  if (filters.priority) conditions.push(sql`${task.priority} = ANY(${param("priorities")})`);
  if (filters.category) conditions.push(sql`${task.category} = ANY(${param("categories")})`);
  if (filters.tag !== undefined) conditions.push(sql`${task.tags} @> ARRAY[${param("tag")}]`);
  if (filters.q) {
    conditions.push(
      or(
        sql`${task.title} ILIKE ${param("pattern")} ESCAPE '\\'`,
        sql`${task.description} ILIKE ${param("pattern")} ESCAPE '\\'`,
      ) as SQL,
    );
  }
  if (filters.dueBefore) conditions.push(lt(task.dueDate, param("dueBefore")));
  if (filters.dueAfter) conditions.push(gt(task.dueDate, param("dueAfter")));
  if (filters.overdue === "true") {
    conditions.push(ne(task.status, "completed"), lt(task.dueDate, sql`now()`));
  }
  return conditions;
}

/** What filterConditions' and the page's placeholders stand for. */
export function listValues(userId: string, filters: ListFilters): Record<string, unknown> {
  return {
    userId,
    status: filters.status,
    priorities: filters.priority?.split(","),
    categories: filters.category?.split(","),
    tag: filters.tag?.trim(),
    pattern: filters.q ? likePattern(filters.q) : undefined,
    dueBefore: filters.dueBefore,
    dueAfter: filters.dueAfter,
    limit: filters.limit ?? 50,
    offset: filters.offset ?? 0,
  };
}

const ASCENDING_BY_DEFAULT = new Set<TaskSortField>(["title", "due_date"]);

function sortOf(filters: ListFilters): { sort: TaskSortField; direction: "asc" | "desc" } {
  const requested = filters.sort ?? "created_at";
  const sort: TaskSortField =
    requested in TASK_SORT_ALIASES
      ? TASK_SORT_ALIASES[requested as keyof typeof TASK_SORT_ALIASES]
      : (requested as TaskSortField);
  return { sort, direction: filters.order ?? (ASCENDING_BY_DEFAULT.has(sort) ? "asc" : "desc") };
}

function orderBy(filters: ListFilters): SQL[] {
  const { sort, direction } = sortOf(filters);
  const by = direction === "asc" ? asc : desc;
  const tieBreak = by(task.id);
  switch (sort) {
    case "title":
      return [by(sql`lower(${task.title})`), tieBreak];
    case "due_date":
      // Tasks without a due date come last in either direction.
      return [sql`${task.dueDate} ${sql.raw(direction)} NULLS LAST`, tieBreak];
    case "priority":
      return [by(task.priority), tieBreak];
    case "updated_at":
      return [by(task.updatedAt), tieBreak];
    default:
      return [by(task.createdAt), tieBreak];
  }
}

/** What decides a list query's SQL (as opposed to its values): the key of its prepared form. */
function listShape(filters: ListFilters): string {
  const { sort, direction } = sortOf(filters);
  return [
    filters.status === "active"
      ? "active"
      : filters.status && filters.status !== "all"
        ? "one"
        : "",
    filters.completed ?? "",
    filters.priority ? "p" : "",
    filters.category ? "c" : "",
    filters.tag !== undefined ? "t" : "",
    filters.q ? "q" : "",
    filters.dueBefore ? "b" : "",
    filters.dueAfter ? "a" : "",
    filters.overdue === "true" ? "o" : "",
    sort,
    direction,
  ].join("|");
}

/** The page query of listTasks, with the total as a window count; exposed for EXPLAIN tests. */
export function listTasksQuery(db: Database, filters: ListFilters) {
  return preparedQuery(db, `list:${listShape(filters)}`, () =>
    db
      .select({ ...getTableColumns(task), total: sql<string>`count(*) OVER ()` })
      .from(task)
      .where(and(...filterConditions(filters)))
      .orderBy(...orderBy(filters))
      .limit(param("limit"))
      .offset(param("offset")),
  );
}

export async function listTasks(
  db: Database,
  params: { userId: string; filters: ListFilters },
): Promise<{ tasks: Task[]; total: number }> {
  const { filters } = params;
  const values = listValues(params.userId, filters);
  const rows = await listTasksQuery(db, filters).execute(values);
  if (rows.length > 0) {
    return { tasks: rows.map(toTask), total: Number(rows[0]?.total) };
  }
  if ((filters.offset ?? 0) === 0) return { tasks: [], total: 0 };
  // A page past the end has no row to carry the window count.
  const [counted] = await preparedQuery(db, `count:${listShape(filters)}`, () =>
    db
      .select({ total: count() })
      .from(task)
      .where(and(...filterConditions(filters))),
  ).execute(values);
  return { tasks: [], total: counted?.total ?? 0 };
}
