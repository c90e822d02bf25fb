import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "./schema";

export type Database = NodePgDatabase<typeof schema>;

export interface PoolSettings {
  /** Most connections this process opens. */
  max?: number;
  /** How long a request may wait to connect before failing (so an outage fails fast). */
  connectionTimeoutMillis?: number;
  /**
   * How long a query may wait for its answer. Also catches a silent network partition,
   * which would otherwise hang a request until the kernel gives up on the socket.
   * A timed-out connection is discarded by the pool.
   */
  queryTimeoutMillis?: number;
  idleTimeoutMillis?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
}

export interface DatabaseHandle {
  db: Database;
  pool: pg.Pool;
}

/** Opens one pool and the Drizzle database over it. Call `pool.end()` to close. */
export function createDatabase(
  connectionString: string,
  settings: PoolSettings = {},
): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString,
    max: settings.max ?? 10,
    connectionTimeoutMillis: settings.connectionTimeoutMillis ?? 2000,
    query_timeout: settings.queryTimeoutMillis,
    keepAlive: true,
    idleTimeoutMillis: settings.idleTimeoutMillis ?? 30_000,
    application_name: settings.applicationName ?? "tasklane",
  });
  return { db: drizzle({ client: pool, schema }), pool };
}
