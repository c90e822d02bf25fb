import type { TaskFieldChanges, TaskHistoryEntry } from "@tasklane/contract";
import type { LoggedChange } from "../changes/change-log";

/** The fields a history entry lists (updated_at is the entry's own `at`; completed follows status). */
const HISTORY_FIELDS = [
  "title",
  "description",
  "status",
  "priority",
  "category",
  "tags",
  "due_date",
  "completed_at",
] as const;
const DATE_FIELDS = new Set<string>(["due_date", "completed_at"]);

/** A field of a logged state in the API's format: dates in UTC with milliseconds. */
function fieldOf(state: Record<string, unknown> | null, field: string): unknown {
  const value = state?.[field] ?? null;
  return value !== null && DATE_FIELDS.has(field) ? new Date(value as string).toISOString() : value;
}

/**
 * `{"field": {"old", "new"}}` for each field that differs between two consecutive states; a
 * null state (before a create, after a delete) has every field null.
 */
function changesBetween(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): TaskFieldChanges {
  const changes: Record<string, { old: unknown; new: unknown }> = {};
  for (const field of HISTORY_FIELDS) {
    const oldValue = fieldOf(before, field);
    const newValue = fieldOf(after, field);
    if (JSON.stringify(oldValue) !== JSON.stringify(newValue)) {
      changes[field] = { old: oldValue, new: newValue };
    }
  }
  // The values are the state's own, which the task's columns typed when they were written.
  return changes as TaskFieldChanges;
}

/**
 * History entries from a task's consecutive change-log states: each entry's changes are the
 * difference from the state before it (`previous` for the page's first).
 */
export function historyEntries(
  taskId: string,
  previous: LoggedChange | null,
  page: LoggedChange[],
): TaskHistoryEntry[] {
  let before = previous?.state ?? null;
  return page.map((change) => {
    const entry: TaskHistoryEntry = {
      id: change.cursor,
      task_id: taskId,
      action: change.action as TaskHistoryEntry["action"],
      changes: changesBetween(before, change.state),
      request_id: change.requestId,
      at: change.at.toISOString(),
    };
    before = change.state;
    return entry;
  });
}
