import cluster from "node:cluster";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import {
  AggregatorRegistry,
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  Registry,
} from "prom-client";
import { clusterMetrics } from "../cluster";

/**
 * Prometheus metrics at /metrics: request latency by route and status, error responses by
 * error_type, the database pool, and Node's defaults (memory, event-loop lag, GC). One registry
 * per app instance, so several apps in one process (tests) do not collide. In a cluster
 * (API_WORKERS > 1) every worker answers /metrics with all workers' metrics, summed.
 */
export default fp(
  async function metrics(fastify: FastifyInstance) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });

    const requestDuration = new Histogram({
      name: "http_request_duration_seconds",
      help: "HTTP request latency by route and status",
      labelNames: ["method", "route", "status_code"] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    const errors = new Counter({
      name: "http_errors_total",
      help: "Error responses by route, status and the contract's error_type",
      labelNames: ["method", "route", "status_code", "error_type"] as const,
      registers: [registry],
    });
    const pool = fastify.pool;
    for (const [name, help, read] of [
      ["db_pool_connections_total", "Open database connections", () => pool.totalCount],
      [
        "db_pool_connections_in_use",
        "Database connections running a query",
        () => pool.totalCount - pool.idleCount,
      ],
      ["db_pool_connections_idle", "Idle database connections", () => pool.idleCount],
      ["db_pool_requests_waiting", "Queries waiting for a connection", () => pool.waitingCount],
    ] as const) {
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read());
        },
      });
    }

    fastify.addHook("onResponse", async (request, reply) => {
      const labels = {
        method: request.method,
        // The route pattern, never the raw URL: ids would explode the label set.
        route: request.routeOptions.url ?? "unmatched",
        status_code: reply.statusCode,
      };
      requestDuration.observe(labels, reply.elapsedTime / 1000);
      if (reply.errorType) errors.inc({ ...labels, error_type: reply.errorType });
    });

    if (cluster.isWorker) {
      // prom-client's workers answer the primary's aggregation requests once it is set up here.
      AggregatorRegistry.setRegistries(registry);
      new AggregatorRegistry();
    }
    fastify.get("/metrics", { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type(registry.contentType)
        .send(cluster.isWorker ? await clusterMetrics() : await registry.metrics()),
    );
  },
  { name: "metrics", dependencies: ["database"] },
);
