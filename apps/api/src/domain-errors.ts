import type { FieldError } from "@tasklane/contract";

/**
 * What a service refuses, in the domain's words. Services throw these; the error handler
 * (plugins/error-handler.ts) is the one place that turns them into HTTP answers, and the MCP
 * server and importer turn them into their own.
 */
export type DomainError =
  | NotFoundError
  | ConflictError
  | InvalidInputError
  | BusyError
  | AccountDeletedError;

/** The entity does not exist for this user (missing, another user's, or a malformed id). */
export class NotFoundError extends Error {
  override name = "NotFoundError";
  constructor(readonly entity: "task") {
    super(`${entity} not found`);
  }
}

/** The request is valid, but the resource's state or a quota forbids it. */
export class ConflictError extends Error {
  override name = "ConflictError";
}

/** Fields whose values the domain's rules refuse (beyond what the schema checks). */
export class InvalidInputError extends Error {
  override name = "InvalidInputError";
  constructor(readonly fieldErrors: FieldError[]) {
    const [first] = fieldErrors;
    super(
      first
        ? `${first.field} ${first.message}${fieldErrors.length > 1 ? ` (and ${fieldErrors.length - 1} more)` : ""}`
        : "request failed validation",
    );
  }
}

/** The user already has as much work running as they may: try again in a moment. */
export class BusyError extends Error {
  override name = "BusyError";
}

/** The token's account was deleted: the token no longer names anyone. */
export class AccountDeletedError extends Error {
  override name = "AccountDeletedError";
  constructor() {
    super("invalid token");
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return (
    error instanceof NotFoundError ||
    error instanceof ConflictError ||
    error instanceof InvalidInputError ||
    error instanceof BusyError ||
    error instanceof AccountDeletedError
  );
}
