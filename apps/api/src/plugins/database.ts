import { createDatabase, type Database } from "@tasklane/db";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type pg from "pg";

declare module "fastify" {
  interface FastifyInstance {
    db: Database;
    pool: pg.Pool;
  }
}

export interface DatabasePluginOptions {
  databaseUrl: string;
  poolMax: number;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  statementTimeoutMs: number;
  preparedStatements: boolean;
}

export default fp<DatabasePluginOptions>(
  async function database(fastify: FastifyInstance, options) {
    const { db, pool } = createDatabase(options.databaseUrl, {
      max: options.poolMax,
      connectionTimeoutMillis: options.connectTimeoutMs,
      queryTimeoutMillis: options.queryTimeoutMs,
      statementTimeoutMillis: options.statementTimeoutMs,
      namedStatements: options.preparedStatements,
      applicationName: "tasklane-api",
    });
    // An idle client's error (the server restarting) must not crash the process;
    // the pool drops that client and the next request reconnects.
    pool.on("error", (error) => fastify.log.warn({ err: error }, "idle database connection lost"));
    fastify.decorate("db", db);
    fastify.decorate("pool", pool);
    fastify.addHook("onClose", async () => {
      await pool.end();
    });
  },
  { name: "database" },
);
