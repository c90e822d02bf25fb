import type { ErrorBody, ErrorType, FieldError } from "@tasklane/contract";

/** An error with a contract status and type; the error handler turns it into the error body. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly errorType: ErrorType;
  readonly fieldErrors: FieldError[] | undefined;
  /** Extra response headers (WWW-Authenticate, Retry-After). */
  readonly headers: Record<string, string>;

  constructor(
    statusCode: number,
    errorType: ErrorType,
    detail: string,
    options: { fieldErrors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = "HttpError";
    this.statusCode = statusCode;
    this.errorType = errorType;
    this.fieldErrors = options.fieldErrors;
    this.headers = options.headers ?? {};
  }

  toBody(): ErrorBody {
    const body: ErrorBody = {
      detail: this.message,
      status_code: this.statusCode,
      error_type: this.errorType,
    };
    if (this.fieldErrors) body.errors = this.fieldErrors;
    return body;
  }
}

export function validationError(fieldErrors: FieldError[]): HttpError {
  const [first] = fieldErrors;
  const detail = first
    ? `${first.field} ${first.message}${fieldErrors.length > 1 ? ` (and ${fieldErrors.length - 1} more)` : ""}`
    : "request failed validation";
  return new HttpError(422, "validation_error", detail, { fieldErrors });
}

export const taskNotFound = () => new HttpError(404, "not_found", "task not found");

export const databaseUnavailable = () =>
  new HttpError(503, "service_unavailable", "database unavailable");

const USER_FOREIGN_KEYS = new Set(["task_user_id_user_id_fk", "task_audit_user_id_user_id_fk"]);

/**
 * A task insert refused by the user foreign key of the task or of its audit record: the user
 * row is gone.
 */
export function isMissingUser(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string; constraint?: string } }).cause;
  return cause?.code === "23503" && USER_FOREIGN_KEYS.has(cause.constraint ?? "");
}

const UNAVAILABLE_ERROR_CODES = new Set([
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

/**
 * True when an error (or one it wraps, as Drizzle does) means PostgreSQL cannot be reached or
 * cannot answer in time.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const { code, message, cause } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === "string" && (UNAVAILABLE_ERROR_CODES.has(code) || code.startsWith("08"))) {
      return true;
    }
    if (typeof message === "string" && UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) {
      return true;
    }
    current = cause;
  }
  return false;
}
