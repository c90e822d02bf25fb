import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { StatsQuerySchema, StatsSchema } from "@tasklane/contract";
import { requestContext } from "../context";
import { errorResponses } from "../openapi-responses";
import { getStats } from "./service";

const statsRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    "/stats",
    {
      schema: {
        operationId: "getStats",
        summary: "Counts, completion rate, overdue and due today, by priority and category",
        tags: ["stats"],
        querystring: StatsQuerySchema,
        response: {
          200: { ...StatsSchema, description: "Your statistics" },
          ...errorResponses(401, 422, 429, 503),
        },
      },
    },
    async (request) => getStats(requestContext(request), request.query.tz),
  );
};

export default statsRoutes;
