import { type Static, Type } from "typebox";
import {
  DateOrDateTimeSchema,
  DateTimeSchema,
  NO_NUL_PATTERN,
  Nullable,
  StringEnum,
} from "./common";

export const TASK_STATUSES = ["pending", "in_progress", "completed"] as const;
export const TASK_PRIORITIES = ["low", "medium", "high"] as const;
export const TASK_CATEGORIES = ["work", "personal", "home", "other"] as const;

export const TaskStatusSchema = StringEnum(TASK_STATUSES, { title: "TaskStatus" });
export const TaskPrioritySchema = StringEnum(TASK_PRIORITIES, { title: "TaskPriority" });
export const TaskCategorySchema = StringEnum(TASK_CATEGORIES, { title: "TaskCategory" });
export type TaskStatus = Static<typeof TaskStatusSchema>;
export type TaskPriority = Static<typeof TaskPrioritySchema>;
export type TaskCategory = Static<typeof TaskCategorySchema>;

export const TITLE_MAX_LENGTH = 200;
export const DESCRIPTION_MAX_LENGTH = 10_000;
export const TAG_MAX_LENGTH = 50;
export const TAGS_MAX_COUNT = 20;
/** Tasks one user may keep (a quota: creating past it is a 409 conflict). */
export const TASKS_PER_USER_MAX = 10_000;

export const TaskSchema = Type.Object(
  {
    id: Type.String({ format: "uuid", description: "UUIDv7 assigned by the server" }),
    user_id: Type.String(),
    title: Type.String(),
    description: Nullable(Type.String()),
    status: TaskStatusSchema,
    completed: Type.Boolean({ description: 'always equals status == "completed"' }),
    priority: TaskPrioritySchema,
    category: TaskCategorySchema,
    tags: Type.Array(Type.String()),
    due_date: Nullable(DateTimeSchema),
    completed_at: Nullable(DateTimeSchema),
    created_at: DateTimeSchema,
    updated_at: DateTimeSchema,
  },
  { title: "Task" },
);
export type Task = Static<typeof TaskSchema>;

export const TaskListSchema = Type.Array(TaskSchema, { title: "TaskList" });

const TitleInput = Type.String({
  minLength: 1,
  maxLength: TITLE_MAX_LENGTH,
  pattern: NO_NUL_PATTERN,
  description: "trimmed; 1-200 characters after trimming",
});
const TagInput = Type.String({
  minLength: 1,
  maxLength: TAG_MAX_LENGTH,
  pattern: NO_NUL_PATTERN,
  description: "trimmed; 1-50 characters",
});

const taskFields = {
  title: TitleInput,
  description: Nullable(
    Type.String({ maxLength: DESCRIPTION_MAX_LENGTH, pattern: NO_NUL_PATTERN }),
  ),
  status: TaskStatusSchema,
  completed: Type.Boolean({ description: 'true means status "completed"' }),
  priority: TaskPrioritySchema,
  category: TaskCategorySchema,
  tags: Type.Array(TagInput, {
    maxItems: TAGS_MAX_COUNT,
    description: "duplicates after trimming are collapsed (first kept); at most 20 distinct",
  }),
  due_date: Nullable(DateOrDateTimeSchema),
};

export const CreateTaskSchema = Type.Object(
  {
    title: taskFields.title,
    description: Type.Optional(taskFields.description),
    status: Type.Optional(taskFields.status),
    completed: Type.Optional(taskFields.completed),
    priority: Type.Optional(taskFields.priority),
    category: Type.Optional(taskFields.category),
    tags: Type.Optional(taskFields.tags),
    due_date: Type.Optional(taskFields.due_date),
  },
  { title: "CreateTask", additionalProperties: false },
);
export type CreateTask = Static<typeof CreateTaskSchema>;

export const UpdateTaskSchema = Type.Object(
  {
    title: Type.Optional(taskFields.title),
    description: Type.Optional(taskFields.description),
    status: Type.Optional(taskFields.status),
    completed: Type.Optional(taskFields.completed),
    priority: Type.Optional(taskFields.priority),
    category: Type.Optional(taskFields.category),
    tags: Type.Optional(taskFields.tags),
    due_date: Type.Optional(taskFields.due_date),
  },
  {
    title: "UpdateTask",
    additionalProperties: false,
    minProperties: 1,
    description: "any subset; at least one field",
  },
);
export type UpdateTask = Static<typeof UpdateTaskSchema>;

export const CompleteTaskSchema = Type.Object(
  { completed: Type.Boolean() },
  { title: "CompleteTask", additionalProperties: false, description: "omit the body to toggle" },
);
export type CompleteTask = Static<typeof CompleteTaskSchema>;

/** Fields a client may not write; naming one in a body is a 422. */
export const READ_ONLY_TASK_FIELDS = [
  "id",
  "user_id",
  "created_at",
  "updated_at",
  "completed_at",
] as const;

export const TASK_SORT_FIELDS = [
  "created_at",
  "updated_at",
  "title",
  "due_date",
  "priority",
] as const;
export const TASK_SORT_ALIASES = { created: "created_at", updated: "updated_at" } as const;
export type TaskSortField = (typeof TASK_SORT_FIELDS)[number];

function commaListPattern(values: readonly string[]): string {
  const one = `(${values.join("|")})`;
  return `^${one}(,${one})*$`;
}

export const LIST_LIMIT_DEFAULT = 50;
export const LIST_LIMIT_MAX = 100;

/** `limit` and `offset`, alike on every paged route. */
export const PAGE_QUERY_FIELDS = {
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: LIST_LIMIT_MAX, default: LIST_LIMIT_DEFAULT }),
  ),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 0 })),
};

export const ListTasksQuerySchema = Type.Object({
  status: Type.Optional(
    StringEnum(["all", "pending", "in_progress", "completed", "active"], {
      description: "active = not completed",
      default: "all",
    }),
  ),
  completed: Type.Optional(Type.Boolean()),
  priority: Type.Optional(
    Type.String({
      pattern: commaListPattern(TASK_PRIORITIES),
      description: "one of low, medium, high, or a comma list of them",
    }),
  ),
  category: Type.Optional(
    Type.String({
      pattern: commaListPattern(TASK_CATEGORIES),
      description: "one of work, personal, home, other, or a comma list of them",
    }),
  ),
  tag: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: TAG_MAX_LENGTH,
      pattern: NO_NUL_PATTERN,
      description: "tasks carrying this tag (exact, case-sensitive, after trimming)",
    }),
  ),
  q: Type.Optional(
    Type.String({
      maxLength: 200,
      pattern: NO_NUL_PATTERN,
      description: "case-insensitive plain-text search in title and description",
    }),
  ),
  due_before: Type.Optional(DateOrDateTimeSchema),
  due_after: Type.Optional(DateOrDateTimeSchema),
  overdue: Type.Optional(
    StringEnum(["true"], { description: "only tasks not completed and due before now" }),
  ),
  sort: Type.Optional(
    StringEnum([...TASK_SORT_FIELDS, ...Object.keys(TASK_SORT_ALIASES)], { default: "created_at" }),
  ),
  order: Type.Optional(
    StringEnum(["asc", "desc"], {
      description: "default desc for created_at, updated_at, priority; asc for title, due_date",
    }),
  ),
  ...PAGE_QUERY_FIELDS,
});
export type ListTasksQuery = Static<typeof ListTasksQuerySchema>;
