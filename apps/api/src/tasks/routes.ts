import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import {
  CompleteTaskSchema,
  CreateTaskSchema,
  ListTasksQuerySchema,
  TaskHistoryQuerySchema,
  TaskHistorySchema,
  TaskListSchema,
  TaskSchema,
  UpdateTaskSchema,
} from "@tasklane/contract";
import { Type } from "typebox";
import { requestContext } from "../context";
import { errorResponses } from "../openapi-responses";
import { trimTaskBody } from "./input";
import {
  completeTask,
  createTask,
  deleteTask,
  getTask,
  getTaskHistory,
  listTasks,
  updateTask,
} from "./service";

const tags = ["tasks"];
const taskParams = Type.Object({ id: Type.String({ description: "task id (UUID)" }) });
const trimBody = async (request: { body: unknown }) => trimTaskBody(request.body);

const tasksRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    "/tasks",
    {
      schema: {
        operationId: "listTasks",
        summary: "List your tasks, filtered, sorted and paged",
        tags,
        querystring: ListTasksQuerySchema,
        response: {
          200: {
            ...TaskListSchema,
            description: "A page of tasks",
            headers: {
              "X-Total-Count": Type.Integer({ description: "tasks matching the filters" }),
            },
          },
          ...errorResponses(401, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { tasks, total } = await listTasks(requestContext(request), request.query);
      return reply.header("x-total-count", total).send(tasks);
    },
  );

  fastify.post(
    "/tasks",
    {
      preValidation: trimBody,
      schema: {
        operationId: "createTask",
        summary: "Create a task",
        tags,
        body: CreateTaskSchema,
        response: {
          201: { ...TaskSchema, description: "The created task; Location names it" },
          ...errorResponses(400, 401, 413, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const task = await createTask(requestContext(request), request.body);
      const collection = request.url.split("?")[0]?.replace(/\/+$/, "");
      return reply.code(201).header("location", `${collection}/${task.id}`).send(task);
    },
  );

  fastify.get(
    "/tasks/:id",
    {
      schema: {
        operationId: "getTask",
        summary: "Get a task",
        tags,
        params: taskParams,
        response: {
          200: { ...TaskSchema, description: "The task" },
          ...errorResponses(401, 404, 429, 503),
        },
      },
    },
    async (request) => getTask(requestContext(request), request.params.id),
  );

  for (const method of ["put", "patch"] as const) {
    fastify[method](
      "/tasks/:id",
      {
        preValidation: trimBody,
        schema: {
          operationId: method === "put" ? "replaceTask" : "updateTask",
          summary: "Update a task (partial: any subset of fields, at least one)",
          tags,
          params: taskParams,
          body: UpdateTaskSchema,
          response: {
            200: { ...TaskSchema, description: "The updated task" },
            ...errorResponses(400, 401, 404, 413, 422, 429, 503),
          },
        },
      },
      async (request) => updateTask(requestContext(request), request.params.id, request.body),
    );
  }

  fastify.patch(
    "/tasks/:id/complete",
    {
      schema: {
        operationId: "completeTask",
        summary: 'Toggle completion (no body) or set it ({"completed": bool})',
        tags,
        params: taskParams,
        body: Type.Optional(CompleteTaskSchema),
        response: {
          200: { ...TaskSchema, description: "The updated task" },
          ...errorResponses(400, 401, 404, 413, 422, 429, 503),
        },
      },
    },
    async (request) => completeTask(requestContext(request), request.params.id, request.body),
  );

  fastify.delete(
    "/tasks/:id",
    {
      schema: {
        operationId: "deleteTask",
        summary: "Delete a task",
        tags,
        params: taskParams,
        response: {
          204: Type.Null({ description: "Deleted" }),
          // A body is never read, but a malformed or oversized one is still refused.
          ...errorResponses(400, 401, 404, 413, 429, 503),
        },
      },
    },
    async (request, reply) => {
      await deleteTask(requestContext(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  fastify.get(
    "/tasks/:id/history",
    {
      schema: {
        operationId: "getTaskHistory",
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
          ...errorResponses(401, 404, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { entries, total } = await getTaskHistory(
        requestContext(request),
        request.params.id,
        request.query,
      );
      return reply.header("x-total-count", total).send(entries);
    },
  );
};

export default tasksRoutes;
