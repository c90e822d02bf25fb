import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { StatsQuerySchema, StatsSchema } from "@tasklane/contract";
import { validationError } from "../errors";
import { type RouteFamilyOptions, routeFamily } from "../family";
import { getStats } from "./queries";

function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const unknownTimeZone = () =>
  validationError([{ field: "tz", message: "is not a known IANA time zone" }]);

const statsRoutes: FastifyPluginAsyncTypebox<RouteFamilyOptions> = async (fastify, options) => {
  const { params, errors, operationId } = routeFamily(options);
  fastify.get(
    "/stats",
    {
      schema: {
        operationId: operationId("getStats"),
        summary: "Counts, completion rate, overdue and due today, by priority and category",
        tags: ["stats"],
        params: params({}),
        querystring: StatsQuerySchema,
        response: {
          200: { ...StatsSchema, description: "Your statistics" },
          ...errors(401, 422, 429, 503),
        },
      },
    },
    async (request) => {
      const timeZone = request.query.tz ?? "UTC";
      if (!isKnownTimeZone(timeZone)) throw unknownTimeZone();
      try {
        return await getStats(fastify.db, { userId: request.userId, timeZone });
      } catch (error) {
        // Intl and PostgreSQL's zone lists differ slightly; PostgreSQL has the last word.
        if ((error as { cause?: { code?: string } }).cause?.code === "22023")
          throw unknownTimeZone();
        throw error;
      }
    },
  );
};

export default statsRoutes;
