import { ConfigError } from "@tasklane/env";
import { type Static, Type } from "typebox";
import type { PoolSettings } from "./client";

const Milliseconds = (minimum: number, defaultMs: number) =>
  Type.Integer({ minimum, maximum: 600_000, default: defaultMs });

/** The database settings; apps extend this schema (or pick DATABASE_URL from it). */
export const DatabaseEnv = Type.Object({
  DATABASE_URL: Type.String({ pattern: "^postgres(ql)?://", description: "a postgres:// URL" }),
  DB_POOL_MAX: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
  DB_CONNECT_TIMEOUT_MS: Milliseconds(100, 1500),
  DB_QUERY_TIMEOUT_MS: Milliseconds(100, 1500),
  DB_STATEMENT_TIMEOUT_MS: Milliseconds(0, 1000),
  DB_PREPARED_STATEMENTS: Type.Boolean({ default: true }),
});
export type DatabaseEnv = Static<typeof DatabaseEnv>;

type ConfiguredPoolSettings = Required<
  Pick<
    PoolSettings,
    | "max"
    | "connectionTimeoutMillis"
    | "queryTimeoutMillis"
    | "statementTimeoutMillis"
    | "namedStatements"
  >
>;

/** The pool settings the database settings ask for, checked against each other. */
export function poolSettingsOf(env: DatabaseEnv): ConfiguredPoolSettings {
  // The server should cancel a slow statement (freeing its locks) before the client gives up on it.
  if (env.DB_STATEMENT_TIMEOUT_MS >= env.DB_QUERY_TIMEOUT_MS) {
    throw new ConfigError(
      `DB_STATEMENT_TIMEOUT_MS (${env.DB_STATEMENT_TIMEOUT_MS}) must be below DB_QUERY_TIMEOUT_MS (${env.DB_QUERY_TIMEOUT_MS})`,
    );
  }
  return {
    max: env.DB_POOL_MAX,
    connectionTimeoutMillis: env.DB_CONNECT_TIMEOUT_MS,
    queryTimeoutMillis: env.DB_QUERY_TIMEOUT_MS,
    statementTimeoutMillis: env.DB_STATEMENT_TIMEOUT_MS,
    namedStatements: env.DB_PREPARED_STATEMENTS,
  };
}

/** `npm start`'s own PostgreSQL, run when DATABASE_URL is absent. */
export const EmbeddedDatabaseEnv = Type.Object({
  EMBEDDED_PG_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 54329 }),
});
