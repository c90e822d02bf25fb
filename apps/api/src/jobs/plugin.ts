import { createDatabase } from "@tasklane/db";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Config } from "../config";
import { JobRunner } from "./runner";
import "./prune";

export interface JobsPluginOptions {
  config: Config;
}

/**
 * Runs the registered background jobs in this process (each API process and cluster worker
 * does; the database hands each job to one of them), on a pool of its own so that background
 * work never waits for, nor holds, the connections requests use.
 */
export default fp<JobsPluginOptions>(
  async function jobs(fastify: FastifyInstance, { config }) {
    const { db, pool } = createDatabase(config.databaseUrl, {
      // One for polling and periodic enqueues, one per running job.
      max: config.jobs.concurrency + 1,
      connectionTimeoutMillis: config.connectTimeoutMs,
      queryTimeoutMillis: config.queryTimeoutMs,
      statementTimeoutMillis: config.statementTimeoutMs,
      namedStatements: config.preparedStatements,
      applicationName: "tasklane-jobs",
    });
    pool.on("error", (error) => fastify.log.warn({ err: error }, "idle database connection lost"));
    const runner = new JobRunner({
      pool,
      db,
      log: fastify.log.child({ component: "jobs" }),
      ...config.jobs,
    });

    fastify.addHook("onReady", async () => runner.start());
    // Closing: take no more jobs now; running ones finish while HTTP requests drain.
    fastify.addHook("preClose", async () => {
      void runner.stop();
    });
    fastify.addHook("onClose", async () => {
      await runner.stop();
      await pool.end();
    });
  },
  { name: "jobs" },
);
