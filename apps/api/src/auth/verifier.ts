import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  type JWTPayload,
  type JWTVerifyOptions,
  errors as joseErrors,
  jwtVerify,
} from "jose";
import type { Config } from "../config";

/** Algorithms Better Auth's jwt plugin can sign with (its JWKS); HS256 only with JWT_SECRET. */
const ASYMMETRIC_ALGORITHMS = ["EdDSA", "ES256", "ES512", "RS256", "PS256"];

/** Tokens longer than this are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 8192;
const MAX_SUBJECT_LENGTH = 255;

export type TokenFailure = "missing token" | "token expired" | "invalid token";

export class TokenError extends Error {
  override name = "TokenError";
  constructor(readonly reason: TokenFailure) {
    super(reason);
  }
}

export interface VerifiedToken {
  userId: string;
  email: string | null;
  name: string | null;
}

export type TokenVerifier = (token: string) => Promise<VerifiedToken>;

/**
 * Verifies bearer tokens: EdDSA/ES/RS/PS against the JWKS (fetched lazily, cached,
 * refetched on an unknown kid at most once per 30 s), HS256 against JWT_SECRET.
 */
export function createTokenVerifier(auth: Config["auth"]): TokenVerifier {
  const jwks = createRemoteJWKSet(auth.jwksUrl, {
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
    timeoutDuration: 5_000,
  });
  const common: JWTVerifyOptions = {
    requiredClaims: ["exp", "sub"],
    clockTolerance: auth.clockSkewSeconds,
    ...(auth.issuers ? { issuer: auth.issuers } : {}),
    ...(auth.audiences ? { audience: auth.audiences } : {}),
  };
  const secret = auth.hs256Secret;

  return async function verify(token) {
    if (token.length > MAX_TOKEN_LENGTH) throw new TokenError("invalid token");
    let payload: JWTPayload;
    try {
      const { alg } = decodeProtectedHeader(token);
      if (alg === "HS256" && secret) {
        ({ payload } = await jwtVerify(token, secret, { ...common, algorithms: ["HS256"] }));
      } else if (alg && ASYMMETRIC_ALGORITHMS.includes(alg)) {
        ({ payload } = await jwtVerify(token, jwks, {
          ...common,
          algorithms: ASYMMETRIC_ALGORITHMS,
        }));
      } else {
        throw new TokenError("invalid token");
      }
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new TokenError("token expired");
      if (error instanceof TokenError) throw error;
      // A JWKS that cannot be fetched is the auth server's outage, not a bad token: surface it.
      if (error instanceof joseErrors.JWKSTimeout || isFetchFailure(error)) throw error;
      throw new TokenError("invalid token");
    }
    const { sub } = payload;
    if (typeof sub !== "string" || sub.length === 0 || sub.length > MAX_SUBJECT_LENGTH) {
      throw new TokenError("invalid token");
    }
    return {
      userId: sub,
      email: typeof payload.email === "string" ? payload.email : null,
      name: typeof payload.name === "string" ? payload.name : null,
    };
  };
}

function isFetchFailure(error: unknown): boolean {
  return error instanceof TypeError && error.message === "fetch failed";
}
