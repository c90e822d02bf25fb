import type { FastifyInstance } from "fastify";
import authPlugin from "./auth/plugin";
import type { Config } from "./config";
import healthRoutes from "./health/routes";
import jobsPlugin from "./jobs/plugin";
import databasePlugin from "./plugins/database";
import errorHandlerPlugin from "./plugins/error-handler";
import gracefulClosePlugin from "./plugins/graceful-close";
import jsonBodyPlugin from "./plugins/json-body";
import metricsPlugin from "./plugins/metrics";
import openapiPlugin from "./plugins/openapi";
import requestIdPlugin from "./plugins/request-id";
import securityPlugin from "./plugins/security";
import userPathAliasPlugin from "./plugins/user-path-alias";
import validationPlugin from "./plugins/validation";
import statsRoutes from "./stats/routes";
import tasksRoutes from "./tasks/routes";

export interface AppOptions {
  config: Config;
}

/** The task API as a Fastify plugin: external plugins, then the app's own, then routes. */
export default async function app(fastify: FastifyInstance, { config }: AppOptions) {
  // External
  await fastify.register(securityPlugin, { corsOrigins: config.corsOrigins });
  await fastify.register(openapiPlugin);

  // App
  await fastify.register(requestIdPlugin);
  await fastify.register(gracefulClosePlugin);
  await fastify.register(validationPlugin);
  await fastify.register(jsonBodyPlugin);
  await fastify.register(errorHandlerPlugin);
  await fastify.register(databasePlugin, {
    databaseUrl: config.databaseUrl,
    poolMax: config.poolMax,
    connectTimeoutMs: config.connectTimeoutMs,
    queryTimeoutMs: config.queryTimeoutMs,
    statementTimeoutMs: config.statementTimeoutMs,
    preparedStatements: config.preparedStatements,
  });
  await fastify.register(authPlugin, {
    auth: config.auth,
    rateLimitPerMinute: config.rateLimitPerMinute,
  });
  await fastify.register(metricsPlugin);
  await fastify.register(jobsPlugin, { config });
  await fastify.register(userPathAliasPlugin);

  // Routes
  await fastify.register(healthRoutes);
  await fastify.register(
    async (api) => {
      api.addHook("onRequest", api.authenticate);
      await api.register(tasksRoutes);
      await api.register(statsRoutes);
    },
    { prefix: "/api" },
  );
}
