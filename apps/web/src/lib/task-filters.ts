import {
  type ListTasksQuery,
  ListTasksQuerySchema,
  TAG_MAX_LENGTH,
  TASK_CATEGORIES,
  TASK_PRIORITIES,
  TASK_SORT_FIELDS,
  type TaskCategory,
  type TaskPriority,
  type TaskSortField,
} from "@tasklane/contract";
import { startOfDay } from "./due-dates";

// The task list's filters live in the URL (bookmarkable, shareable, back/forward work). These
// functions translate between the URL's query string, the UI's state and the API's query.

export const STATUS_TABS = ["all", "active", "pending", "in_progress", "completed"] as const;
export type StatusTab = (typeof STATUS_TABS)[number];

export const DUE_FILTERS = ["any", "overdue", "today", "week"] as const;
export type DueFilter = (typeof DUE_FILTERS)[number];

export const SORT_ORDERS = ["desc", "asc"] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/** The longest search the API takes, from the schema it validates `q` with. */
export const SEARCH_MAX_LENGTH: number = (() => {
  // TypeBox keeps the options on the schema object; its type does not list them.
  const { maxLength } = ListTasksQuerySchema.properties.q as { maxLength?: number };
  if (maxLength === undefined) throw new Error("the contract's `q` has no maxLength");
  return maxLength;
})();

export interface TaskFilters {
  status: StatusTab;
  priorities: TaskPriority[];
  categories: TaskCategory[];
  tag: string;
  q: string;
  due: DueFilter;
  sort: TaskSortField;
  order: SortOrder;
  /** 1-based. */
  page: number;
}

export const PAGE_SIZE = 20;
const MAX_PAGE = 1_000_000;

export const DEFAULT_FILTERS: TaskFilters = {
  status: "all",
  priorities: [],
  categories: [],
  tag: "",
  q: "",
  due: "any",
  sort: "created_at",
  order: "desc",
  page: 1,
};

/** The API's default order for each sort: newest/highest first, but A-Z and soonest due first. */
export function defaultOrder(sort: TaskSortField): SortOrder {
  return sort === "title" || sort === "due_date" ? "asc" : "desc";
}

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((candidate) => candidate === value);
}

/** A comma list keeping only known values, each once, in the canonical order. */
function listOf<T extends string>(values: readonly T[], value: string | null): T[] {
  const given = new Set((value ?? "").split(","));
  return values.filter((candidate) => given.has(candidate));
}

/** Reads filters from a query string; unknown or malformed values fall back to the defaults. */
export function filtersFromSearchParams(params: URLSearchParams): TaskFilters {
  const sort = oneOf(TASK_SORT_FIELDS, params.get("sort")) ?? DEFAULT_FILTERS.sort;
  const page = Number(params.get("page"));
  return {
    status: oneOf(STATUS_TABS, params.get("status")) ?? DEFAULT_FILTERS.status,
    priorities: listOf(TASK_PRIORITIES, params.get("priority")),
    categories: listOf(TASK_CATEGORIES, params.get("category")),
    tag: (params.get("tag") ?? "").trim().slice(0, TAG_MAX_LENGTH),
    q: (params.get("q") ?? "").slice(0, SEARCH_MAX_LENGTH),
    due: oneOf(DUE_FILTERS, params.get("due")) ?? DEFAULT_FILTERS.due,
    sort,
    order: oneOf(SORT_ORDERS, params.get("order")) ?? defaultOrder(sort),
    page: Number.isInteger(page) && page >= 1 && page <= MAX_PAGE ? page : 1,
  };
}

/** The query string for `filters`, leaving out every default so URLs stay short. */
export function filtersToSearchParams(filters: TaskFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.status !== "all") params.set("status", filters.status);
  if (filters.priorities.length > 0) params.set("priority", filters.priorities.join(","));
  if (filters.categories.length > 0) params.set("category", filters.categories.join(","));
  if (filters.tag !== "") params.set("tag", filters.tag);
  if (filters.q !== "") params.set("q", filters.q);
  if (filters.due !== "any") params.set("due", filters.due);
  if (filters.sort !== DEFAULT_FILTERS.sort) params.set("sort", filters.sort);
  if (filters.order !== defaultOrder(filters.sort)) params.set("order", filters.order);
  if (filters.page !== 1) params.set("page", String(filters.page));
  return params;
}

/** Whether anything narrows the list (sorting and paging do not). */
export function isFiltered(filters: TaskFilters): boolean {
  return (
    filters.status !== "all" ||
    filters.priorities.length > 0 ||
    filters.categories.length > 0 ||
    filters.tag !== "" ||
    filters.q.trim() !== "" ||
    filters.due !== "any"
  );
}

/**
 * Applies a change from the UI. Changing what is shown starts again at page 1; changing the sort
 * field resets the order to that field's natural one.
 */
export function updateFilters(current: TaskFilters, change: Partial<TaskFilters>): TaskFilters {
  const next = { ...current, ...change };
  if (change.sort !== undefined && change.order === undefined) next.order = defaultOrder(next.sort);
  if (change.page === undefined) next.page = 1;
  return next;
}

/** The API query for one page of `filters`; "today" and "next 7 days" are days in `timeZone`. */
export function toListQuery(
  filters: TaskFilters,
  { now, timeZone, pageSize = PAGE_SIZE }: { now: Date; timeZone: string; pageSize?: number },
): ListTasksQuery {
  const query: ListTasksQuery = {
    sort: filters.sort,
    order: filters.order,
    limit: pageSize,
    offset: (filters.page - 1) * pageSize,
  };
  if (filters.status !== "all") query.status = filters.status;
  if (filters.priorities.length > 0) query.priority = filters.priorities.join(",");
  if (filters.categories.length > 0) query.category = filters.categories.join(",");
  if (filters.tag !== "") query.tag = filters.tag;
  if (filters.q.trim() !== "") query.q = filters.q.trim();
  if (filters.due === "overdue") query.overdue = "true";
  if (filters.due === "today" || filters.due === "week") {
    // due_after and due_before are exclusive; start one millisecond before midnight.
    query.due_after = new Date(startOfDay(now, timeZone).getTime() - 1).toISOString();
    query.due_before = startOfDay(now, timeZone, filters.due === "today" ? 1 : 7).toISOString();
  }
  return query;
}

/** Pages needed for `total` tasks (at least one, so an empty list still has "page 1 of 1"). */
export function pageCount(total: number, pageSize = PAGE_SIZE): number {
  return Math.max(1, Math.ceil(total / pageSize));
}
