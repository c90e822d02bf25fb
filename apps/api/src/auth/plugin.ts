import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { Config } from "../config";
import { HttpError } from "../errors";
import { isDeletedAccount, isKnownDeleted } from "../users/provisioning";
import { KeysUnavailable } from "./key-set";
import { createTokenVerifier, TokenError, type TokenFailure, type VerifiedToken } from "./verifier";

declare module "fastify" {
  interface FastifyRequest {
    /** The authenticated user's id (the token's `sub`); set by `authenticate`. */
    userId: string;
    /** The verified token's identity claims; set by `authenticate`. */
    identity: VerifiedToken | null;
  }
  interface FastifyInstance {
    /** onRequest hook for /api routes: bearer token and rate limit. */
    authenticate: (request: FastifyRequest) => Promise<void>;
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
    const verify = createTokenVerifier(options.auth, {
      // Once per token, when it first verifies: warm tokens cost no query.
      async admit(identity) {
        if (await isDeletedAccount(fastify.db, identity.userId)) {
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
      if (isKnownDeleted(identity.userId)) throw new TokenError("invalid token");
      return identity;
    }

    fastify.decorateRequest("userId", "");
    fastify.decorateRequest("identity", null);
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
    });
  },
  { name: "auth", dependencies: ["database"] },
);
