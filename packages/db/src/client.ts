import type { ExtractTablesWithRelations } from "drizzle-orm";
import { drizzle, type NodePgDatabase, type NodePgTransaction } from "drizzle-orm/node-postgres";
import pg from "pg";
import { useNamedStatements } from "./prepared";
import * as schema from "./schema";

export type Database = NodePgDatabase<typeof schema>;
export type Transaction = NodePgTransaction<
  typeof schema,
  ExtractTablesWithRelations<typeof schema>
>;
/** What query functions take: the pool, or a transaction a caller opened around several. */
export type DatabaseOrTransaction = Database | Transaction;

export interface PoolSettings {
  /** Most connections this process opens. */
  max?: number;
  /**
   * How long a request may wait for a connection, whether a free pooled one or a new one,
   * before failing (so an outage or an exhausted pool fails fast).
   */
  connectionTimeoutMillis?: number;
  /**
   * How long a query may wait for its answer. Also catches a silent network partition,
   * which would otherwise hang a request until the kernel gives up on the socket.
   * A timed-out connection is discarded by the pool.
   */
  queryTimeoutMillis?: number;
  /**
   * PostgreSQL's own `statement_timeout`, sent at connect (0 or absent: not sent). Unlike the
   * client-side timeout it stops the work on the server too, releasing the locks it holds or
   * waits for. PgBouncer refuses unknown startup parameters; listed in its
   * `ignore_startup_parameters` this one is dropped, so behind it set the timeout on the role.
   */
  statementTimeoutMillis?: number;
  idleTimeoutMillis?: number;
  /**
   * Whether `preparedQuery` statements are prepared on the server under a name (parsed and
   * planned once per connection) or sent unnamed each time. Default true; false for poolers
   * that cannot carry named statements across transactions (PgBouncer before 1.21 in
   * transaction mode).
   */
  namedStatements?: boolean;
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
    connectionTimeoutMillis: settings.connectionTimeoutMillis ?? 1500,
    query_timeout: settings.queryTimeoutMillis,
    ...(settings.statementTimeoutMillis
      ? { statement_timeout: settings.statementTimeoutMillis }
      : {}),
    keepAlive: true,
    idleTimeoutMillis: settings.idleTimeoutMillis ?? 30_000,
    application_name: settings.applicationName ?? "tasklane",
  });
  const db = drizzle({ client: pool, schema });
  useNamedStatements(db, settings.namedStatements ?? true);
  return { db, pool };
}
