import {
  type CreateTask,
  parseDateOrDateTime,
  type TaskCategory,
  type TaskPriority,
  type TaskStatus,
  type UpdateTask,
} from "@tasklane/contract";
import { InvalidInputError } from "../domain-errors";

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

/** Tags as stored: trimmed, duplicates collapsed (first occurrence kept). */
const normaliseTags = (tags: string[]) => [...new Set(tags.map((tag) => tag.trim()))];

/**
 * The same normalisation as toTaskChanges, applied to a raw body before validation at the
 * HTTP edge, so limits apply to what is stored (a padded 200-character title is accepted).
 * Values of the wrong type are left alone for validation to report.
 */
export function trimTaskBody(body: unknown): void {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return;
  const fields = body as Record<string, unknown>;
  if (typeof fields.title === "string") fields.title = fields.title.trim();
  if (Array.isArray(fields.tags) && fields.tags.every((tag) => typeof tag === "string")) {
    fields.tags = normaliseTags(fields.tags);
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
    throw new InvalidInputError([
      { field: "completed", message: `contradicts status "${status}"` },
    ]);
  }
  return status;
}

/** A validated body as the changes to store: trimmed, status resolved, dates parsed. */
export function toTaskChanges(body: CreateTask | UpdateTask): TaskChanges {
  const changes: TaskChanges = {};
  if (body.title !== undefined) changes.title = body.title.trim();
  if (body.description !== undefined) changes.description = body.description;
  const status = resolveStatus(body.status, body.completed);
  if (status !== undefined) changes.status = status;
  if (body.priority !== undefined) changes.priority = body.priority;
  if (body.category !== undefined) changes.category = body.category;
  if (body.tags !== undefined) changes.tags = normaliseTags(body.tags);
  if (body.due_date !== undefined) {
    changes.dueDate = body.due_date === null ? null : parseDateOrDateTime(body.due_date);
  }
  return changes;
}
