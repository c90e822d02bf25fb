import type { FastifyInstance, FastifyRequest, RouteOptions } from "fastify";
import fp from "fastify-plugin";
import { type TObject, type TSchema, Type } from "typebox";
import { HttpError } from "../errors";
import { errorResponses } from "../openapi-responses";

/**
 * Part 1's routes, which also answer as `/api/{user_id}/...` for the clients that call them
 * that way (spec part 2, introduction). The family is frozen: routes new in part 2 exist under
 * `/api/...` only, so this list does not grow.
 */
const ALIASED_ROUTES = new Set([
  "GET /api/tasks",
  "POST /api/tasks",
  "GET /api/tasks/:id",
  "PUT /api/tasks/:id",
  "PATCH /api/tasks/:id",
  "DELETE /api/tasks/:id",
  "PATCH /api/tasks/:id/complete",
  "GET /api/tasks/:id/history",
  "GET /api/stats",
]);

const UserIdParam = Type.String({ description: "must equal the token's sub" });

/** The twin's path user must be the token's: runs after authentication (route-level hook). */
async function pathUserIsTokenUser(request: FastifyRequest) {
  const pathUserId = (request.params as { user_id?: string }).user_id;
  if (pathUserId !== request.userId) {
    throw new HttpError(403, "forbidden", "this path belongs to another user");
  }
}

interface RouteSchema {
  params?: TObject;
  response?: Record<string, TSchema>;
  operationId?: string;
}

/** The twin's schema: the user_id path parameter, the 403, its own operation id. */
function twinSchema(schema: RouteSchema | undefined): RouteSchema {
  const params = schema?.params?.properties ?? {};
  return {
    ...schema,
    params: Type.Object({ user_id: UserIdParam, ...params }),
    response: { ...schema?.response, ...errorResponses(403) },
    ...(schema?.operationId ? { operationId: `${schema.operationId}ForUser` } : {}),
  };
}

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * Gives each route of ALIASED_ROUTES its `/api/:user_id` twin as it is declared: the same
 * handler and hooks, the path-user check and a truthful OpenAPI entry. Route files never
 * mention the family. Register before the routes.
 */
export default fp(
  async function userPathAlias(fastify: FastifyInstance) {
    const twins = new WeakSet<RouteOptions>();
    fastify.addHook("onRoute", function declareTwin(this: FastifyInstance, route) {
      const method = Array.isArray(route.method) ? route.method.join(",") : route.method;
      if (twins.has(route) || !ALIASED_ROUTES.has(`${method} ${route.url}`)) return;
      const prefix = route.prefix ?? "";
      const routePath = route.url.slice(prefix.length);
      const twin: RouteOptions = {
        method: route.method,
        url: `/:user_id${routePath}`,
        handler: route.handler,
        schema: twinSchema(route.schema as RouteSchema | undefined),
        ...(route.preValidation ? { preValidation: route.preValidation } : {}),
        onRequest: [...asArray(route.onRequest), pathUserIsTokenUser],
        ...(route.config ? { config: route.config } : {}),
      };
      twins.add(twin);
      this.route(twin);
    });
  },
  { name: "user-path-alias" },
);
