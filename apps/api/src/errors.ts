import type { ErrorBody, ErrorType, FieldError } from "@tasklane/contract";
import {
  AccountDeletedError,
  BusyError,
  ConflictError,
  type DomainError,
  InvalidInputError,
  NotFoundError,
} from "./domain-errors";

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
  const { message } = new InvalidInputError(fieldErrors);
  return new HttpError(422, "validation_error", message, { fieldErrors });
}

export const databaseUnavailable = () =>
  new HttpError(503, "service_unavailable", "database unavailable");

/** The one mapping of the services' domain errors onto HTTP answers. */
export function httpErrorOf(error: DomainError): HttpError {
  if (error instanceof NotFoundError) return new HttpError(404, "not_found", error.message);
  if (error instanceof ConflictError) return new HttpError(409, "conflict", error.message);
  if (error instanceof AccountDeletedError) {
    return new HttpError(401, "unauthorized", error.message, {
      headers: { "www-authenticate": "Bearer" },
    });
  }
  if (error instanceof BusyError) {
    return new HttpError(429, "rate_limited", error.message, { headers: { "retry-after": "1" } });
  }
  return validationError(error.fieldErrors);
}
