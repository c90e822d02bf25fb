import type { ListTasksQuery, Task, TaskSortField } from "@tasklane/contract";
import { TASK_SORT_ALIASES } from "@tasklane/contract";
import { type Database, schema } from "@tasklane/db";
import {
  and,
  arrayContains,
  asc,
  count,
  desc,
  eq,
  getTableColumns,
  gt,
  inArray,
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
  const [row] = await db.select().from(task).where(ownedBy(params));
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

function filterConditions(userId: string, filters: ListFilters): SQL[] {
  const conditions: SQL[] = [eq(task.userId, userId)];
  switch (filters.status) {
    case "pending":
    case "in_progress":
    case "completed":
      conditions.push(eq(task.status, filters.status));
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
  if (filters.priority) {
    conditions.push(inArray(task.priority, filters.priority.split(",") as TaskRow["priority"][]));
  }
  if (filters.category) {
    conditions.push(inArray(task.category, filters.category.split(",") as TaskRow["category"][]));
  }
  if (filters.tag !== undefined) conditions.push(arrayContains(task.tags, [filters.tag.trim()]));
  if (filters.q) {
    const pattern = likePattern(filters.q);
    conditions.push(
      or(
        sql`${task.title} ILIKE ${pattern} ESCAPE '\\'`,
        sql`${task.description} ILIKE ${pattern} ESCAPE '\\'`,
      ) as SQL,
    );
  }
  if (filters.dueBefore) conditions.push(lt(task.dueDate, filters.dueBefore));
  if (filters.dueAfter) conditions.push(gt(task.dueDate, filters.dueAfter));
  if (filters.overdue === "true") {
    conditions.push(ne(task.status, "completed"), lt(task.dueDate, sql`now()`));
  }
  return conditions;
}

const ASCENDING_BY_DEFAULT = new Set<TaskSortField>(["title", "due_date"]);

function orderBy(filters: ListFilters): SQL[] {
  const requested = filters.sort ?? "created_at";
  const sort: TaskSortField =
    requested in TASK_SORT_ALIASES
      ? TASK_SORT_ALIASES[requested as keyof typeof TASK_SORT_ALIASES]
      : (requested as TaskSortField);
  const direction = filters.order ?? (ASCENDING_BY_DEFAULT.has(sort) ? "asc" : "desc");
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

/** The page query of listTasks, with the total as a window count; exposed for EXPLAIN tests. */
export function listTasksQuery(db: Database, params: { userId: string; filters: ListFilters }) {
  const { filters } = params;
  return db
    .select({ ...getTableColumns(task), total: sql<string>`count(*) OVER ()` })
    .from(task)
    .where(and(...filterConditions(params.userId, filters)))
    .orderBy(...orderBy(filters))
    .limit(filters.limit ?? 50)
    .offset(filters.offset ?? 0);
}

export async function listTasks(
  db: Database,
  params: { userId: string; filters: ListFilters },
): Promise<{ tasks: Task[]; total: number }> {
  const rows = await listTasksQuery(db, params);
  if (rows.length > 0) {
    return { tasks: rows.map(toTask), total: Number(rows[0]?.total) };
  }
  if ((params.filters.offset ?? 0) === 0) return { tasks: [], total: 0 };
  // A page past the end has no row to carry the window count.
  const [counted] = await db
    .select({ total: count() })
    .from(task)
    .where(and(...filterConditions(params.userId, params.filters)));
  return { tasks: [], total: counted?.total ?? 0 };
}
