import type { TaskCategory, TaskPriority, TaskSortField, TaskStatus } from "@tasklane/contract";
import type { DueFilter, SortOrder, StatusTab } from "./task-filters";

// Words the interface shows for the contract's enum values.

export const STATUS_LABELS: Record<TaskStatus, string> = {
  pending: "To do",
  in_progress: "In progress",
  completed: "Done",
};

export const STATUS_TAB_LABELS: Record<StatusTab, string> = {
  all: "All",
  active: "Active",
  pending: "To do",
  in_progress: "In progress",
  completed: "Done",
};

export const PRIORITY_LABELS: Record<TaskPriority, string> = {
  low: "Low",
  medium: "Medium",
  high: "High",
};

export const CATEGORY_LABELS: Record<TaskCategory, string> = {
  work: "Work",
  personal: "Personal",
  home: "Home",
  other: "Other",
};

export const DUE_FILTER_LABELS: Record<DueFilter, string> = {
  any: "Any time",
  overdue: "Overdue",
  today: "Due today",
  week: "Due in the next 7 days",
};

export const SORT_LABELS: Record<TaskSortField, string> = {
  created_at: "Date created",
  updated_at: "Last updated",
  title: "Title",
  due_date: "Due date",
  priority: "Priority",
};

/** What each direction means for each sort field, e.g. "Newest first". */
export const ORDER_LABELS: Record<TaskSortField, Record<SortOrder, string>> = {
  created_at: { desc: "Newest first", asc: "Oldest first" },
  updated_at: { desc: "Newest first", asc: "Oldest first" },
  title: { asc: "A to Z", desc: "Z to A" },
  due_date: { asc: "Soonest first", desc: "Latest first" },
  priority: { desc: "High to low", asc: "Low to high" },
};
