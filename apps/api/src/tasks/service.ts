import {
  type CompleteTask,
  type CreateTask,
  isUuid,
  LIST_LIMIT_DEFAULT,
  type ListTasksQuery,
  parseDateOrDateTime,
  TASKS_PER_USER_MAX,
  type Task,
  type TaskHistoryEntry,
  type UpdateTask,
} from "@tasklane/contract";
import { classifyDatabaseError } from "@tasklane/db";
import { entityChanges } from "../changes/change-log";
import type { ServiceContext } from "../context";
import { BusyError, ConflictError, NotFoundError } from "../domain-errors";
import { provisionUser } from "../users/provisioning";
import { historyEntries } from "./history";
import { toTaskChanges } from "./input";
import { countTasksQuery, type ListFilters, listTasksQuery, listValues } from "./list-query";
import { PerUserConcurrency } from "./search-concurrency";
import {
  deleteTaskRow,
  insertTask,
  selectTask,
  setTaskCompletion,
  toTask,
  updateTaskRow,
} from "./task-queries";

// The task service: every way in (REST, MCP, import, jobs) changes and reads tasks here.

const notFound = () => new NotFoundError("task");

/** A task id as stored (lowercase); a malformed id names no task: the same 404 as a missing one. */
function taskId(id: string): string {
  if (!isUuid(id)) throw notFound();
  return id.toLowerCase();
}

/** Foreign keys that refuse a write because the user's row is gone. */
const USER_FOREIGN_KEYS = new Set(["task_user_id_user_id_fk", "change_log_user_id_user_id_fk"]);

function isMissingUser(error: unknown): boolean {
  const classified = classifyDatabaseError(error);
  return (
    classified?.kind === "foreign_key_violation" &&
    USER_FOREIGN_KEYS.has(classified.constraint ?? "")
  );
}

const isOverQuota = (error: unknown) => {
  const classified = classifyDatabaseError(error);
  return classified?.kind === "check_violation" && classified.constraint === "task_quota";
};

const overQuota = () =>
  new ConflictError(
    `you have reached the limit of ${TASKS_PER_USER_MAX.toLocaleString("en")} tasks; delete some to add more`,
  );

export async function createTask(ctx: ServiceContext, input: CreateTask): Promise<Task> {
  const params = {
    userId: ctx.userId,
    changes: { ...toTaskChanges(input), title: input.title.trim() },
    requestId: ctx.requestId,
  };
  await provisionUser(ctx);
  try {
    return await insertTask(ctx.db, params).catch(async (error: unknown) => {
      if (!isMissingUser(error)) throw error;
      await provisionUser(ctx, { again: true });
      return insertTask(ctx.db, params);
    });
  } catch (error) {
    if (isOverQuota(error)) throw overQuota();
    throw error;
  }
}

export async function getTask(ctx: ServiceContext, id: string): Promise<Task> {
  const task = await selectTask(ctx.db, { userId: ctx.userId, id: taskId(id) });
  if (!task) throw notFound();
  return task;
}

export async function updateTask(
  ctx: ServiceContext,
  id: string,
  input: UpdateTask,
): Promise<Task> {
  const task = await updateTaskRow(ctx.db, {
    userId: ctx.userId,
    id: taskId(id),
    changes: toTaskChanges(input),
    requestId: ctx.requestId,
  });
  if (!task) throw notFound();
  return task;
}

/** Sets completion, or toggles it when `input.completed` is absent. */
export async function completeTask(
  ctx: ServiceContext,
  id: string,
  input: CompleteTask | undefined,
): Promise<Task> {
  const task = await setTaskCompletion(ctx.db, {
    userId: ctx.userId,
    id: taskId(id),
    completed: input?.completed,
    requestId: ctx.requestId,
  });
  if (!task) throw notFound();
  return task;
}

export async function deleteTask(ctx: ServiceContext, id: string): Promise<void> {
  const deleted = await deleteTaskRow(ctx.db, {
    userId: ctx.userId,
    id: taskId(id),
    requestId: ctx.requestId,
  });
  if (!deleted) throw notFound();
}

export async function listTasks(
  ctx: ServiceContext,
  query: ListTasksQuery,
): Promise<{ tasks: Task[]; total: number }> {
  const filters: ListFilters = {
    ...query,
    dueBefore: query.due_before ? parseDateOrDateTime(query.due_before) : undefined,
    dueAfter: query.due_after ? parseDateOrDateTime(query.due_after) : undefined,
  };
  if (!filters.q) return selectTaskPage(ctx, filters);
  const page = await searches.run(ctx.userId, () => selectTaskPage(ctx, filters));
  if (!page) throw new BusyError("too many searches at once; try again in a moment");
  return page;
}

/** Searches running at once per user in this process, and how many more may wait. */
const searches = new PerUserConcurrency(2, 20);

async function selectTaskPage(
  ctx: ServiceContext,
  filters: ListFilters,
): Promise<{ tasks: Task[]; total: number }> {
  const values = listValues(ctx.userId, filters);
  const rows = await listTasksQuery(ctx.db, filters).execute(values);
  if (rows.length > 0) return { tasks: rows.map(toTask), total: Number(rows[0]?.total) };
  if ((filters.offset ?? 0) === 0) return { tasks: [], total: 0 };
  const [counted] = await countTasksQuery(ctx.db, filters).execute(values);
  return { tasks: [], total: counted?.total ?? 0 };
}

/** A page of the task's history, oldest first; also for a deleted task. */
export async function getTaskHistory(
  ctx: ServiceContext,
  id: string,
  page: { limit?: number; offset?: number },
): Promise<{ entries: TaskHistoryEntry[]; total: number }> {
  const entityId = taskId(id);
  const {
    previous,
    page: changes,
    total,
  } = await entityChanges(ctx.db, {
    userId: ctx.userId,
    entityId,
    limit: page.limit ?? LIST_LIMIT_DEFAULT,
    offset: page.offset ?? 0,
  });
  // Every task the user ever had has a create entry: none means not theirs, or no task.
  if (total === 0) throw notFound();
  return { entries: historyEntries(entityId, previous, changes), total };
}
