import { type Static, type TSchema, Type } from "typebox";
import { DateTimeSchema, Nullable, StringEnum } from "./common";
import {
  PAGE_QUERY_FIELDS,
  TaskCategorySchema,
  TaskPrioritySchema,
  TaskStatusSchema,
} from "./tasks";

export const TASK_HISTORY_ACTIONS = ["create", "update", "complete", "delete"] as const;
export type TaskHistoryAction = (typeof TASK_HISTORY_ACTIONS)[number];

/** A field's value before and after a write; null before a create and after a delete. */
function FieldChange<T extends TSchema>(value: T) {
  return Type.Object({ old: Nullable(value), new: Nullable(value) });
}

export const TaskFieldChangesSchema = Type.Object(
  {
    title: Type.Optional(FieldChange(Type.String())),
    description: Type.Optional(FieldChange(Type.String())),
    status: Type.Optional(FieldChange(TaskStatusSchema)),
    priority: Type.Optional(FieldChange(TaskPrioritySchema)),
    category: Type.Optional(FieldChange(TaskCategorySchema)),
    tags: Type.Optional(FieldChange(Type.Array(Type.String()))),
    due_date: Type.Optional(FieldChange(DateTimeSchema)),
    completed_at: Type.Optional(FieldChange(DateTimeSchema)),
  },
  {
    title: "TaskFieldChanges",
    additionalProperties: false,
    description:
      "the task's fields whose value the write changed; a field null on both sides is left out",
  },
);
export type TaskFieldChanges = Static<typeof TaskFieldChangesSchema>;

export const TaskHistoryActionSchema = StringEnum(TASK_HISTORY_ACTIONS, {
  title: "TaskHistoryAction",
});

export const TaskHistoryEntrySchema = Type.Object(
  {
    id: Type.Integer({ description: "increases with every write to the task" }),
    task_id: Type.String({ format: "uuid" }),
    action: TaskHistoryActionSchema,
    changes: TaskFieldChangesSchema,
    request_id: Type.String({ description: "the X-Request-Id of the request that wrote it" }),
    at: {
      ...DateTimeSchema,
      description: "the task's updated_at after the write (for a delete: when it was deleted)",
    },
  },
  { title: "TaskHistoryEntry" },
);
export type TaskHistoryEntry = Static<typeof TaskHistoryEntrySchema>;

export const TaskHistorySchema = Type.Array(TaskHistoryEntrySchema, { title: "TaskHistory" });

export const TaskHistoryQuerySchema = Type.Object(PAGE_QUERY_FIELDS);
export type TaskHistoryQuery = Static<typeof TaskHistoryQuerySchema>;
