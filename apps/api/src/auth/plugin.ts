import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { Config } from "../config";
import { HttpError } from "../errors";
import { KeysUnavailable } from "./key-set";
import { DeletedAccount, ensureUser, isDeletedAccount, KnownUsers } from "./users";
import { createTokenVerifier, TokenError, type TokenFailure, type VerifiedToken } from "./verifier";

declare module "fastify" {
  interface FastifyRequest {
    /** The authenticated user's id (the token's `sub`); set by `authenticate`. */
    userId: string;
    /** The verified token's identity claims; set by `authenticate`. */
    identity: VerifiedToken | null;
  }
  interface FastifyInstance {
    /** onRequest hook for /api routes: bearer token, rate limit, path user check. */
    authenticate: (request: FastifyRequest) => Promise<void>;
    /**
     * Gives the request's user a `user` row unless this process already knows it has one: for
     * creating a task, whose foreign key needs it. Reads never write, so they skip this.
     */
    ensureUserRow: (request: FastifyRequest) => Promise<void>;
    /**
     * Gives the request's user a `user` row again, for a write that found it gone (the account
     * was deleted after the row was cached as present).
     */
    restoreUser: (request: FastifyRequest) => Promise<void>;
  }
}

export interface AuthPluginOptions {
  auth: Config["auth"];
  rateLimitPerMinute: number;
}

const unauthorized = (reason: TokenFailure) =>
  new HttpError(401, "unauthorized", reason, { headers: { "www-authenticate": "Bearer" } });

function bearerToken(header: string | undefined): string | null {
  const match = header ? /^Bearer[ ]+(\S+)\s*$/i.exec(header) : null;
  return match?.[1] ?? null;
}

export default fp<AuthPluginOptions>(
  async function auth(fastify: FastifyInstance, options) {
    const knownUsers = new KnownUsers();
    /** Accounts found deleted (tombstones are forever): refused without asking the database. */
    const deletedUsers = new KnownUsers(10_000);
    const verify = createTokenVerifier(options.auth, {
      // Once per token, when it first verifies: warm tokens cost no query.
      async admit(identity) {
        if (deletedUsers.has(identity.userId)) throw new TokenError("invalid token");
        if (await isDeletedAccount(fastify.db, identity.userId)) {
          deletedUsers.add(identity.userId);
          throw new TokenError("invalid token");
        }
      },
      onKeysFailure(error) {
        fastify.log.warn({ err: error }, "JWKS refetch failed; verifying with the last good keys");
      },
    });
    const perUser = options.rateLimitPerMinute;

    await fastify.register(rateLimit, { global: false });
    const limiters =
      perUser > 0
        ? {
            user: fastify.createRateLimit({
              max: perUser,
              timeWindow: 60_000,
              keyGenerator: (request) => `user:${request.userId}`,
            }),
            anonymous: fastify.createRateLimit({
              max: Math.max(1, Math.floor(perUser / 4)),
              timeWindow: 60_000,
              keyGenerator: (request) => `ip:${request.ip}`,
            }),
          }
        : null;

    async function enforce(
      limiter: ReturnType<typeof fastify.createRateLimit> | undefined,
      request: FastifyRequest,
    ) {
      if (!limiter) return;
      const result = await limiter(request);
      if (!result.isAllowed && result.isExceeded) {
        throw new HttpError(429, "rate_limited", "too many requests, slow down", {
          headers: { "retry-after": String(result.ttlInSeconds) },
        });
      }
    }

    async function verifyRequest(request: FastifyRequest): Promise<VerifiedToken> {
      const token = bearerToken(request.headers.authorization);
      if (token === null) throw new TokenError("missing token");
      let identity: VerifiedToken;
      try {
        identity = await verify(token);
      } catch (error) {
        if (!(error instanceof KeysUnavailable)) throw error;
        request.log.error({ err: error }, "token keys (JWKS) unavailable");
        throw new HttpError(503, "service_unavailable", "token verification keys are unavailable");
      }
      // A token remembered from before its account was found deleted (a Set lookup, no query).
      if (deletedUsers.has(identity.userId)) throw new TokenError("invalid token");
      return identity;
    }

    async function provision(identity: VerifiedToken) {
      try {
        await ensureUser(fastify.db, identity);
      } catch (error) {
        if (!(error instanceof DeletedAccount)) throw error;
        deletedUsers.add(identity.userId);
        throw unauthorized("invalid token");
      }
      knownUsers.add(identity.userId);
    }

    fastify.decorateRequest("userId", "");
    fastify.decorateRequest("identity", null);
    fastify.decorate("restoreUser", async (request: FastifyRequest) => {
      if (request.identity) await provision(request.identity);
    });
    fastify.decorate("ensureUserRow", async (request: FastifyRequest) => {
      if (request.identity && !knownUsers.has(request.userId)) await provision(request.identity);
    });
    fastify.decorate("authenticate", async (request: FastifyRequest) => {
      let token: VerifiedToken;
      try {
        token = await verifyRequest(request);
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
        await enforce(limiters?.anonymous, request);
        throw unauthorized(error.reason);
      }
      request.userId = token.userId;
      request.identity = token;
      await enforce(limiters?.user, request);

      const pathUserId = (request.params as { user_id?: string }).user_id;
      if (pathUserId !== undefined && pathUserId !== token.userId) {
        throw new HttpError(403, "forbidden", "this path belongs to another user");
      }
    });
  },
  { name: "auth", dependencies: ["database"] },
);
