import type { TaskFilters } from "./task-filters";

/** What one cached page of tasks was asked for: the URL's filters, read in this time zone. */
export interface TaskPageView {
  filters: TaskFilters;
  timeZone: string;
}

// Every key starts with the entity it holds, so one prefix reaches all of an entity's entries:
// a mutation of a task invalidates ["tasks"] (every page under every filter) and ["stats"]. Lists
// (projects) will add ["lists", ...] beside them; the live event stream writes into these same
// keys.
export const taskKeys = {
  all: ["tasks"] as const,
  pages: () => [...taskKeys.all, "page"] as const,
  page: (view: TaskPageView) => [...taskKeys.pages(), view] as const,
  create: () => [...taskKeys.all, "create"] as const,
  change: () => [...taskKeys.all, "change"] as const,
};

export const statsKeys = {
  all: ["stats"] as const,
  inZone: (timeZone: string) => [...statsKeys.all, timeZone] as const,
};
