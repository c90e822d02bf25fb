import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import {
  CompleteTaskSchema,
  CreateTaskSchema,
  isUuid,
  LIST_LIMIT_DEFAULT,
  ListTasksQuerySchema,
  parseDateOrDateTime,
  TaskHistoryQuerySchema,
  TaskHistorySchema,
  TaskListSchema,
  TaskSchema,
  UpdateTaskSchema,
} from "@tasklane/contract";
import { Type } from "typebox";
import { isMissingUser, taskNotFound } from "../errors";
import { type RouteFamilyOptions, routeFamily } from "../family";
import { toTaskChanges, trimTaskBody } from "./input";
import {
  completeTask,
  createTask,
  deleteTask,
  getTask,
  listTaskHistory,
  listTasks,
  updateTask,
} from "./queries";

/** A malformed id names no task: the same 404 as a missing or foreign one. */
function taskId(id: string): string {
  if (!isUuid(id)) throw taskNotFound();
  return id.toLowerCase();
}

const tags = ["tasks"];

const tasksRoutes: FastifyPluginAsyncTypebox<RouteFamilyOptions> = async (fastify, options) => {
  const { db } = fastify;
  const { params, errors, operationId } = routeFamily(options);
  const listParams = params({});
  const taskParams = params({ id: Type.String({ description: "task id (UUID)" }) });
  const trimBody = async (request: { body: unknown }) => trimTaskBody(request.body);

  fastify.get(
    "/tasks",
    {
      schema: {
        operationId: operationId("listTasks"),
        summary: "List your tasks, filtered, sorted and paged",
        tags,
        params: listParams,
        querystring: ListTasksQuerySchema,
        response: {
          200: {
            ...TaskListSchema,
            description: "A page of tasks",
            headers: {
              "X-Total-Count": Type.Integer({ description: "tasks matching the filters" }),
            },
          },
          ...errors(401, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { query } = request;
      const { tasks, total } = await listTasks(db, {
        userId: request.userId,
        filters: {
          ...query,
          dueBefore: query.due_before ? parseDateOrDateTime(query.due_before) : undefined,
          dueAfter: query.due_after ? parseDateOrDateTime(query.due_after) : undefined,
        },
      });
      reply.header("x-total-count", total);
      return tasks;
    },
  );

  fastify.post(
    "/tasks",
    {
      preValidation: trimBody,
      schema: {
        operationId: operationId("createTask"),
        summary: "Create a task",
        tags,
        params: listParams,
        body: CreateTaskSchema,
        response: {
          201: { ...TaskSchema, description: "The created task; Location names it" },
          ...errors(400, 401, 413, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const params = {
        userId: request.userId,
        changes: { ...toTaskChanges(request.body), title: request.body.title },
        requestId: request.id,
      };
      await fastify.ensureUserRow(request);
      const task = await createTask(db, params).catch(async (error: unknown) => {
        if (!isMissingUser(error)) throw error;
        await fastify.restoreUser(request);
        return createTask(db, params);
      });
      const collection = request.url.split("?")[0]?.replace(/\/+$/, "");
      return reply.code(201).header("location", `${collection}/${task.id}`).send(task);
    },
  );

  fastify.get(
    "/tasks/:id",
    {
      schema: {
        operationId: operationId("getTask"),
        summary: "Get a task",
        tags,
        params: taskParams,
        response: {
          200: { ...TaskSchema, description: "The task" },
          ...errors(401, 404, 429, 503),
        },
      },
    },
    async (request) => {
      const task = await getTask(db, { userId: request.userId, id: taskId(request.params.id) });
      if (!task) throw taskNotFound();
      return task;
    },
  );

  for (const method of ["put", "patch"] as const) {
    fastify[method](
      "/tasks/:id",
      {
        preValidation: trimBody,
        schema: {
          operationId: operationId(method === "put" ? "replaceTask" : "updateTask"),
          summary: "Update a task (partial: any subset of fields, at least one)",
          tags,
          params: taskParams,
          body: UpdateTaskSchema,
          response: {
            200: { ...TaskSchema, description: "The updated task" },
            ...errors(400, 401, 404, 413, 422, 429, 503),
          },
        },
      },
      async (request) => {
        const id = taskId(request.params.id);
        const task = await updateTask(db, {
          userId: request.userId,
          id,
          changes: toTaskChanges(request.body),
          requestId: request.id,
        });
        if (!task) throw taskNotFound();
        return task;
      },
    );
  }

  fastify.patch(
    "/tasks/:id/complete",
    {
      schema: {
        operationId: operationId("completeTask"),
        summary: 'Toggle completion (no body) or set it ({"completed": bool})',
        tags,
        params: taskParams,
        body: Type.Optional(CompleteTaskSchema),
        response: {
          200: { ...TaskSchema, description: "The updated task" },
          ...errors(400, 401, 404, 413, 422, 429, 503),
        },
      },
    },
    async (request) => {
      const task = await completeTask(db, {
        userId: request.userId,
        id: taskId(request.params.id),
        completed: request.body?.completed,
        requestId: request.id,
      });
      if (!task) throw taskNotFound();
      return task;
    },
  );

  fastify.delete(
    "/tasks/:id",
    {
      schema: {
        operationId: operationId("deleteTask"),
        summary: "Delete a task",
        tags,
        params: taskParams,
        response: {
          204: Type.Null({ description: "Deleted" }),
          // A body is never read, but a malformed or oversized one is still refused.
          ...errors(400, 401, 404, 413, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const deleted = await deleteTask(db, {
        userId: request.userId,
        id: taskId(request.params.id),
        requestId: request.id,
      });
      if (!deleted) throw taskNotFound();
      return reply.code(204).send(null);
    },
  );

  fastify.get(
    "/tasks/:id/history",
    {
      schema: {
        operationId: operationId("getTaskHistory"),
        summary: "A task's history of writes, oldest first (still there after it is deleted)",
        tags,
        params: taskParams,
        querystring: TaskHistoryQuerySchema,
        response: {
          200: {
            ...TaskHistorySchema,
            description: "A page of the task's history",
            headers: {
              "X-Total-Count": Type.Integer({ description: "entries in the task's history" }),
            },
          },
          ...errors(401, 404, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { entries, total } = await listTaskHistory(db, {
        userId: request.userId,
        id: taskId(request.params.id),
        limit: request.query.limit ?? LIST_LIMIT_DEFAULT,
        offset: request.query.offset ?? 0,
      });
      // Every task the user ever had has a create record: none means not theirs, or no task.
      if (total === 0) throw taskNotFound();
      reply.header("x-total-count", total);
      return entries;
    },
  );
};

export default tasksRoutes;
