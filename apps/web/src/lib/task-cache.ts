import {
  type CreateTask,
  type ListTasksQuery,
  TASK_PRIORITIES,
  type Task,
  type TaskSortField,
} from "@tasklane/contract";
import type { TaskPageView } from "./query-keys";
import { PAGE_SIZE, type SortOrder, toListQuery } from "./task-filters";

// What a change does to a cached page of tasks, worked out in the browser so that the page can
// show it before the API answers. It follows the API's filters and order (docs/api.md); where
// it cannot know (the database's collation of titles, a row that moves to another page), the
// refetch that follows every change settles it.

/** One page of the task list as the query cache holds it. */
export interface CachedTaskPage {
  tasks: Task[];
  /** Tasks matching the filters on every page. */
  total: number;
  /** When the page was asked for (epoch ms): "today" and "next 7 days" were days as of then. */
  fetchedAt: number;
}

/** Whether the API would list `task` for `query`, "overdue" meaning due before `now`. */
export function matchesQuery(task: Task, query: ListTasksQuery, now: number): boolean {
  if (query.status === "active" && task.status === "completed") return false;
  if (
    query.status !== undefined &&
    query.status !== "all" &&
    query.status !== "active" &&
    task.status !== query.status
  ) {
    return false;
  }
  if (query.completed !== undefined && task.completed !== query.completed) return false;
  if (query.priority && !query.priority.split(",").includes(task.priority)) return false;
  if (query.category && !query.category.split(",").includes(task.category)) return false;
  if (query.tag !== undefined && !task.tags.includes(query.tag.trim())) return false;
  if (query.q) {
    const needle = query.q.toLowerCase();
    const found = [task.title, task.description ?? ""].some((text) =>
      text.toLowerCase().includes(needle),
    );
    if (!found) return false;
  }
  const due = task.due_date === null ? null : Date.parse(task.due_date);
  if (query.due_before !== undefined && (due === null || due >= Date.parse(query.due_before))) {
    return false;
  }
  if (query.due_after !== undefined && (due === null || due <= Date.parse(query.due_after))) {
    return false;
  }
  if (query.overdue === "true" && (task.completed || due === null || due >= now)) return false;
  return true;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePrimary(sort: Exclude<TaskSortField, "due_date">, a: Task, b: Task): number {
  switch (sort) {
    case "title":
      return compareText(a.title.toLowerCase(), b.title.toLowerCase());
    case "priority":
      return TASK_PRIORITIES.indexOf(a.priority) - TASK_PRIORITIES.indexOf(b.priority);
    case "updated_at":
      return Date.parse(a.updated_at) - Date.parse(b.updated_at);
    case "created_at":
      return Date.parse(a.created_at) - Date.parse(b.created_at);
  }
}

/** The API's order: the sort field, then the id in the same direction; no due date comes last. */
export function compareTasks(sort: TaskSortField, order: SortOrder): (a: Task, b: Task) => number {
  const sign = order === "asc" ? 1 : -1;
  return (a, b) => {
    let primary: number;
    if (sort === "due_date") {
      if (a.due_date === null || b.due_date === null) {
        if (a.due_date !== b.due_date) return a.due_date === null ? 1 : -1;
        primary = 0;
      } else {
        primary = Date.parse(a.due_date) - Date.parse(b.due_date);
      }
    } else {
      primary = comparePrimary(sort, a, b);
    }
    return sign * (primary !== 0 ? primary : compareText(a.id, b.id));
  };
}

/** `rows` with `task` where the order puts it, or unchanged when its place is on another page. */
function insertInOrder(rows: Task[], task: Task, view: TaskPageView): Task[] {
  const compare = compareTasks(view.filters.sort, view.filters.order);
  const after = rows.findIndex((row) => compare(task, row) < 0);
  const index = after === -1 ? rows.length : after;
  // Before this page's first row: an earlier page's. After a full page's last: a later page's.
  if (index === 0 && view.filters.page > 1) return rows;
  if (index === rows.length && rows.length >= PAGE_SIZE) return rows;
  return [...rows.slice(0, index), task, ...rows.slice(index)].slice(0, PAGE_SIZE);
}

/**
 * The page after `before` became `after` (`before` null: created; `after` null: deleted): the row
 * replaced, moved, added or taken away as the page's filters and order have it, and the total
 * counted again. `after` may carry a new id (a deleted task created again).
 */
export function applyTaskChange(
  page: CachedTaskPage,
  view: TaskPageView,
  before: Task | null,
  after: Task | null,
  now: number = Date.now(),
): CachedTaskPage {
  const query = toListQuery(view.filters, {
    now: new Date(page.fetchedAt),
    timeZone: view.timeZone,
  });
  const matches = (task: Task | null) => task !== null && matchesQuery(task, query, now);
  const gone = new Set([before?.id, after?.id]);
  const rows = page.tasks.filter((row) => !gone.has(row.id));
  return {
    ...page,
    tasks: after && matches(after) ? insertInOrder(rows, after, view) : rows,
    total: Math.max(0, page.total + Number(matches(after)) - Number(matches(before))),
  };
}

/** How a task being created looks until the API answers: the API's defaults, and no id yet. */
export function pendingTask(key: number, input: CreateTask, submittedAt: number): Task {
  const at = new Date(submittedAt).toISOString();
  const status = input.status ?? (input.completed ? "completed" : "pending");
  return {
    id: `pending-${key}`,
    user_id: "",
    title: input.title.trim(),
    description: input.description ?? null,
    status,
    completed: status === "completed",
    priority: input.priority ?? "medium",
    category: input.category ?? "other",
    tags: input.tags ?? [],
    due_date: input.due_date ?? null,
    completed_at: status === "completed" ? at : null,
    created_at: at,
    updated_at: at,
  };
}

export function isPending(task: Task): boolean {
  return task.id.startsWith("pending-");
}

/**
 * The page with the tasks still being created placed in it, oldest first. They are newer than
 * every saved row, whatever the clocks say (the saved rows' times are the server's).
 */
export function withPendingTasks(
  page: CachedTaskPage,
  view: TaskPageView,
  pending: Task[],
): CachedTaskPage {
  if (pending.length === 0) return page;
  let newest = Math.max(0, ...page.tasks.map((row) => Date.parse(row.created_at)));
  return pending.reduce((current, task) => {
    newest = Math.max(newest + 1, Date.parse(task.created_at));
    const at = new Date(newest).toISOString();
    return applyTaskChange(current, view, null, { ...task, created_at: at, updated_at: at });
  }, page);
}
