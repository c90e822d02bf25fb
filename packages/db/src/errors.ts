/**
 * What a database failure means for the caller, so the apps never read SQLSTATEs or message
 * text. Drizzle wraps driver errors (`cause`), so every level of the chain is looked at.
 */
export type DatabaseErrorKind =
  | "unique_violation"
  | "foreign_key_violation"
  | "check_violation"
  | "invalid_parameter"
  | "unavailable";

export interface ClassifiedDatabaseError {
  kind: DatabaseErrorKind;
  /** The constraint PostgreSQL named, for the integrity violations. */
  constraint: string | undefined;
}

const INTEGRITY_CODES: Record<string, DatabaseErrorKind> = {
  "23505": "unique_violation",
  "23503": "foreign_key_violation",
  "23514": "check_violation",
  "22023": "invalid_parameter",
};

const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "EAI_AGAIN",
  "EPIPE",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "53300", // too_many_connections
  "57014", // query_canceled: statement_timeout hit (a stuck lock or an overloaded server)
]);

const UNAVAILABLE_MESSAGES = [
  // pg-pool: no connection within connectionTimeoutMillis (server unreachable, or pool exhausted).
  "timeout exceeded when trying to connect",
  "Query read timeout",
  "Connection terminated",
  "connection error and is not queryable",
  "Client was closed and is not queryable",
];

/** The kind of a database error, or null when it is something else (a bug, most likely). */
export function classifyDatabaseError(error: unknown): ClassifiedDatabaseError | null {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const { code, message, cause, constraint } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      constraint?: unknown;
    };
    if (typeof code === "string") {
      const integrity = INTEGRITY_CODES[code];
      if (integrity) {
        return {
          kind: integrity,
          constraint: typeof constraint === "string" ? constraint : undefined,
        };
      }
      // Class 08: connection exceptions.
      if (UNAVAILABLE_CODES.has(code) || code.startsWith("08")) {
        return { kind: "unavailable", constraint: undefined };
      }
    }
    if (typeof message === "string" && UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) {
      return { kind: "unavailable", constraint: undefined };
    }
    current = cause;
  }
  return null;
}

/** True when PostgreSQL cannot be reached or cannot answer in time. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return classifyDatabaseError(error)?.kind === "unavailable";
}
