import type { TSchema } from "typebox";
import { ErrorSchema, ErrorTypeSchema, FieldErrorSchema } from "./common";
import { HealthSchema, HealthUnavailableSchema } from "./health";
import {
  TaskFieldChangesSchema,
  TaskHistoryActionSchema,
  TaskHistoryEntrySchema,
  TaskHistorySchema,
} from "./history";
import { StatsSchema } from "./stats";
import {
  CompleteTaskSchema,
  CreateTaskSchema,
  TaskCategorySchema,
  TaskListSchema,
  TaskPrioritySchema,
  TaskSchema,
  TaskStatusSchema,
  UpdateTaskSchema,
} from "./tasks";

/**
 * The shapes the OpenAPI document names (`components.schemas`, under each one's `title`) and
 * refers to wherever a route uses them, so generated clients get one named type for each.
 */
export const NAMED_SCHEMAS: readonly TSchema[] = [
  TaskSchema,
  TaskListSchema,
  CreateTaskSchema,
  UpdateTaskSchema,
  CompleteTaskSchema,
  TaskStatusSchema,
  TaskPrioritySchema,
  TaskCategorySchema,
  TaskHistoryEntrySchema,
  TaskHistorySchema,
  TaskHistoryActionSchema,
  TaskFieldChangesSchema,
  StatsSchema,
  HealthSchema,
  HealthUnavailableSchema,
  ErrorSchema,
  ErrorTypeSchema,
  FieldErrorSchema,
];
