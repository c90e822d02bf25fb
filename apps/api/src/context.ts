import type { DatabaseOrTransaction } from "@tasklane/db";
import type { FastifyRequest } from "fastify";

/** Who a token says the user is: what provisioning their row needs. */
export interface UserIdentity {
  userId: string;
  email: string | null;
  name: string | null;
}

/**
 * What every service function works in: the database (or a transaction the caller opened),
 * the authenticated user, and the request id that history and events carry. REST, MCP,
 * the importer and background jobs each build one.
 */
export interface ServiceContext {
  db: DatabaseOrTransaction;
  userId: string;
  requestId: string;
  /** The token's identity claims, for giving a first-time user a row; null for jobs. */
  identity: UserIdentity | null;
}

/** The context of an authenticated API request. */
export function requestContext(request: FastifyRequest): ServiceContext {
  return {
    db: request.server.db,
    userId: request.userId,
    requestId: request.id,
    identity: request.identity,
  };
}

/** The same context working inside `tx`. */
export function inTransaction(ctx: ServiceContext, tx: DatabaseOrTransaction): ServiceContext {
  return { ...ctx, db: tx };
}
