import {
  type CreateTask,
  parseDateOrDateTime,
  type TaskCategory,
  type TaskPriority,
  type TaskStatus,
  type UpdateTask,
} from "@tasklane/contract";
import { validationError } from "../errors";

/** Validated, normalised changes to a task: what the queries write. */
export interface TaskChanges {
  title?: string;
  description?: string | null;
  status?: TaskStatus;
  priority?: TaskPriority;
  category?: TaskCategory;
  tags?: string[];
  dueDate?: Date | null;
}

/**
 * Runs before validation, so limits apply to what is stored: trims the title and
 * each tag, and collapses duplicate tags (first occurrence kept). Values of the
 * wrong type are left alone for validation to report.
 */
export function trimTaskBody(body: unknown): void {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return;
  const fields = body as Record<string, unknown>;
  if (typeof fields.title === "string") fields.title = fields.title.trim();
  if (Array.isArray(fields.tags) && fields.tags.every((tag) => typeof tag === "string")) {
    fields.tags = [...new Set(fields.tags.map((tag: string) => tag.trim()))];
  }
}

/** `completed` and `status` must agree; `completed` alone implies a status. */
export function resolveStatus(
  status: TaskStatus | undefined,
  completed: boolean | undefined,
): TaskStatus | undefined {
  if (completed === undefined) return status;
  if (status === undefined) return completed ? "completed" : "pending";
  if (completed !== (status === "completed")) {
    throw validationError([{ field: "completed", message: `contradicts status "${status}"` }]);
  }
  return status;
}

export function toTaskChanges(body: CreateTask | UpdateTask): TaskChanges {
  const changes: TaskChanges = {};
  if (body.title !== undefined) changes.title = body.title;
  if (body.description !== undefined) changes.description = body.description;
  const status = resolveStatus(body.status, body.completed);
  if (status !== undefined) changes.status = status;
  if (body.priority !== undefined) changes.priority = body.priority;
  if (body.category !== undefined) changes.category = body.category;
  if (body.tags !== undefined) changes.tags = body.tags;
  if (body.due_date !== undefined) {
    changes.dueDate = body.due_date === null ? null : parseDateOrDateTime(body.due_date);
  }
  return changes;
}
