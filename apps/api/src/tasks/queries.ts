import type { ListTasksQuery, Task, TaskSortField } from "@tasklane/contract";
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
import { v7 as uuidv7 } from "uuid";
import type { TaskChanges } from "./input";

const { task } = schema;
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

const ownedBy = ({ userId, id }: TaskKey) => and(eq(task.id, id), eq(task.userId, userId));

// Strictly later than the previous value even within one millisecond.
const nextUpdatedAt = sql`GREATEST(now(), ${task.updatedAt} + interval '1 millisecond')`;

function completedAtFor(status: TaskChanges["status"]) {
  return status === "completed" ? sql`COALESCE(${task.completedAt}, now())` : null;
}

export async function createTask(
  db: Database,
  params: { userId: string; changes: TaskChanges & { title: string } },
): Promise<Task> {
  const { changes } = params;
  const [row] = await db
    .insert(task)
    .values({
      id: uuidv7(),
      userId: params.userId,
      ...changes,
      completedAt: changes.status === "completed" ? sql`now()` : null,
    })
    .returning();
  return toTask(row as TaskRow);
}

export async function getTask(db: Database, params: TaskKey): Promise<Task | null> {
  const [row] = await preparedQuery(db, "get", () =>
    db
      .select()
      .from(task)
      .where(and(eq(task.id, param("id")), eq(task.userId, param("userId")))),
  ).execute({ id: params.id, userId: params.userId });
  return row ? toTask(row) : null;
}

export async function updateTask(
  db: Database,
  params: TaskKey & { changes: TaskChanges },
): Promise<Task | null> {
  const { changes } = params;
  const [row] = await db
    .update(task)
    .set({
      ...changes,
      ...(changes.status !== undefined ? { completedAt: completedAtFor(changes.status) } : {}),
      updatedAt: nextUpdatedAt,
    })
    .where(ownedBy(params))
    .returning();
  return row ? toTask(row) : null;
}

/** Sets completion, or toggles it when `completed` is undefined, in one atomic UPDATE. */
export async function completeTask(
  db: Database,
  params: TaskKey & { completed?: boolean },
): Promise<Task | null> {
  const becomesCompleted =
    params.completed === undefined ? sql`${task.status} <> 'completed'` : sql`${params.completed}`;
  const [row] = await db
    .update(task)
    .set({
      status: sql`CASE WHEN ${becomesCompleted} THEN 'completed'::task_status
        WHEN ${task.status} = 'completed' THEN 'pending'::task_status
        ELSE ${task.status} END`,
      completedAt: sql`CASE WHEN ${becomesCompleted} THEN COALESCE(${task.completedAt}, now()) END`,
      updatedAt: nextUpdatedAt,
    })
    .where(ownedBy(params))
    .returning();
  return row ? toTask(row) : null;
}

export async function deleteTask(db: Database, params: TaskKey): Promise<boolean> {
  const deleted = await db.delete(task).where(ownedBy(params)).returning({ id: task.id });
  return deleted.length > 0;
}

/** `%`, `_` and `\` in a search match only themselves. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export type ListFilters = ListTasksQuery & { dueBefore?: Date; dueAfter?: Date };

const param = sql.placeholder;

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
