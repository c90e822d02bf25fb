import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { HealthSchema, type HealthUnavailable, HealthUnavailableSchema } from "@tasklane/contract";

const unavailable: HealthUnavailable = {
  status: "unavailable",
  database: "unavailable",
  detail: "database unavailable",
  status_code: 503,
  error_type: "service_unavailable",
};

const healthRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    "/health",
    {
      schema: {
        operationId: "getHealth",
        summary: "Liveness and database reachability",
        tags: ["operations"],
        security: [],
        response: {
          200: { ...HealthSchema, description: "API and database are up" },
          503: { ...HealthUnavailableSchema, description: "The database is unreachable" },
        },
      },
    },
    async (request, reply) => {
      try {
        await fastify.pool.query("SELECT 1");
        return { status: "ok", database: "ok" } as const;
      } catch (error) {
        request.log.warn({ err: error }, "health check: database unreachable");
        return reply.code(503).send(unavailable);
      }
    },
  );
};

export default healthRoutes;
