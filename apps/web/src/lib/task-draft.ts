import type { Task, TaskCategory, TaskPriority, TaskStatus, UpdateTask } from "@tasklane/contract";
import { dueInputFromIso, dueIsoFromInput } from "./due-dates";

/** The edit form's values, as the inputs hold them. */
export interface TaskDraft {
  title: string;
  description: string;
  status: TaskStatus;
  priority: TaskPriority;
  category: TaskCategory;
  /** Comma-separated. */
  tags: string;
  /** YYYY-MM-DD or empty (no due date). */
  dueDate: string;
  /** HH:MM or empty (end of the day). */
  dueTime: string;
}

export function draftFromTask(task: Task, timeZone: string): TaskDraft {
  const due = dueInputFromIso(task.due_date, timeZone);
  return {
    title: task.title,
    description: task.description ?? "",
    status: task.status,
    priority: task.priority,
    category: task.category,
    tags: task.tags.join(", "),
    dueDate: due.date,
    dueTime: due.time,
  };
}

/** "a, b,, a " → ["a", "b"]: trimmed, empty ones dropped, each once. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(",").map((tag) => tag.trim()))].filter((tag) => tag !== "");
}

function sameTags(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((tag, index) => tag === b[index]);
}

function sameInstant(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return new Date(a).getTime() === new Date(b).getTime();
}

/**
 * The PATCH body for what the form changed, and nothing else (the API validates the values; its
 * 422 messages are shown next to the fields). Empty when nothing changed.
 */
export function changesFromDraft(task: Task, draft: TaskDraft, timeZone: string): UpdateTask {
  const changes: UpdateTask = {};
  if (draft.title !== task.title) changes.title = draft.title;
  const description = draft.description === "" ? null : draft.description;
  if (description !== task.description) changes.description = description;
  if (draft.status !== task.status) changes.status = draft.status;
  if (draft.priority !== task.priority) changes.priority = draft.priority;
  if (draft.category !== task.category) changes.category = draft.category;
  const tags = parseTags(draft.tags);
  if (!sameTags(tags, task.tags)) changes.tags = tags;
  const due = dueIsoFromInput(draft.dueDate, draft.dueTime, timeZone);
  if (!sameInstant(due, task.due_date)) changes.due_date = due;
  return changes;
}
