import type { Task } from "@tasklane/contract";
import { type DatabaseOrTransaction, preparedQuery, schema } from "@tasklane/db";
import { and, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import type { TypedQueryBuilder } from "drizzle-orm/query-builders/query-builder";
import { v7 as uuidv7 } from "uuid";
import { type ChangeAction, logWrittenRows } from "../changes/change-log";
import type { TaskChanges } from "./input";

const { task } = schema;
/** Statements are built once per shape and reused (preparedQuery): values are placeholders. */
const param = sql.placeholder;

/** The columns a task is read with: all but the search words, which only PostgreSQL reads. */
const { searchWords: _searchWords, ...taskColumns } = getTableColumns(task);
export const TASK_COLUMNS = taskColumns;
type TaskRow = Omit<typeof task.$inferSelect, "searchWords">;

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

export interface TaskKey {
  userId: string;
  id: string;
}

/** The owner's task, by the `id` and `userId` placeholders. */
const ownedBy = and(eq(task.id, param("id")), eq(task.userId, param("userId")));

// Strictly later than the previous value even within one millisecond.
const nextUpdatedAt = sql`GREATEST(now(), ${task.updatedAt} + interval '1 millisecond')`;

/**
 * Runs a write and appends its change-log entry in the same statement (see logWrittenRows);
 * the written row, if any. The statement is built once per action and `shape` (which columns
 * it writes) and reused with `values` for its placeholders, plus `requestId`.
 */
async function loggedWrite(
  db: DatabaseOrTransaction,
  action: ChangeAction,
  shape: string,
  build: () => TypedQueryBuilder<typeof returned>,
  log: { at: SQL; withState: boolean },
  values: Record<string, unknown>,
): Promise<TaskRow | undefined> {
  const [row] = await preparedQuery(db, `${action}:${shape}`, () => {
    const written = db.$with("written").as(build());
    const logged = db
      .$with("logged", {})
      .as(logWrittenRows({ entity: "task", action, ...log }) as SQL<unknown>);
    return db.with(written, logged).select().from(written);
  }).execute(values);
  return row as TaskRow | undefined;
}

const returned = TASK_COLUMNS;

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

/** The written row's own time is the entry's: its creation, or the update that made it. */
const AT_UPDATED = sql.raw("written.updated_at");

function loggedUpdate(
  db: DatabaseOrTransaction,
  action: ChangeAction,
  shape: string,
  changes: () => PgUpdateSetSource<typeof task>,
  values: Record<string, unknown>,
): Promise<TaskRow | undefined> {
  return loggedWrite(
    db,
    action,
    shape,
    () =>
      db
        .update(task)
        .set({ ...changes(), updatedAt: nextUpdatedAt })
        .where(ownedBy)
        .returning(returned),
    { at: AT_UPDATED, withState: true },
    values,
  );
}

export async function insertTask(
  db: DatabaseOrTransaction,
  params: { userId: string; changes: TaskChanges & { title: string }; requestId: string },
): Promise<Task> {
  const { changes } = params;
  const completed = changes.status === "completed";
  const row = await loggedWrite(
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
        .returning(returned),
    { at: sql.raw("written.created_at"), withState: true },
    { ...changes, id: uuidv7(), userId: params.userId, requestId: params.requestId },
  );
  return toTask(row as TaskRow);
}

export async function selectTask(db: DatabaseOrTransaction, key: TaskKey): Promise<Task | null> {
  const [row] = await preparedQuery(db, "get", () =>
    db.select(TASK_COLUMNS).from(task).where(ownedBy),
  ).execute({ id: key.id, userId: key.userId });
  return row ? toTask(row) : null;
}

export async function updateTaskRow(
  db: DatabaseOrTransaction,
  params: TaskKey & { changes: TaskChanges; requestId: string },
): Promise<Task | null> {
  const { changes } = params;
  const row = await loggedUpdate(
    db,
    "update",
    `${changedFields(changes)}:${changes.status ?? ""}`,
    () => ({
      ...changePlaceholders(changes),
      ...(changes.status !== undefined
        ? {
            completedAt:
              changes.status === "completed" ? sql`COALESCE(${task.completedAt}, now())` : null,
          }
        : {}),
    }),
    { ...changes, id: params.id, userId: params.userId, requestId: params.requestId },
  );
  return row ? toTask(row) : null;
}

/** Sets completion, or toggles it when `completed` is undefined, in one atomic UPDATE. */
export async function setTaskCompletion(
  db: DatabaseOrTransaction,
  params: TaskKey & { completed?: boolean; requestId: string },
): Promise<Task | null> {
  const toggles = params.completed === undefined;
  const row = await loggedUpdate(
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

export async function deleteTaskRow(
  db: DatabaseOrTransaction,
  params: TaskKey & { requestId: string },
): Promise<boolean> {
  const row = await loggedWrite(
    db,
    "delete",
    "",
    () => db.delete(task).where(ownedBy).returning(returned),
    // A delete is recorded as happening after the task's last update, like any other write.
    {
      at: sql.raw("GREATEST(now(), written.updated_at + interval '1 millisecond')"),
      withState: false,
    },
    { id: params.id, userId: params.userId, requestId: params.requestId },
  );
  return row !== undefined;
}
