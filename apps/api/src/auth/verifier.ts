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
/** Verified tokens remembered, so a user's every request does not pay for a signature check. */
const VERIFIED_CACHE_SIZE = 10_000;

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
 *
 * A token that verified is remembered (the exact string, never a failure) until its `exp`
 * plus the allowed skew: an EdDSA check costs ~130 µs, about half the API's whole budget for
 * a request, and a client sends the same token for its whole life. The price: a key removed
 * from the JWKS stops being honoured only when its tokens expire (Better Auth's: 15 minutes).
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
  const verified = new Map<string, { token: VerifiedToken; validUntilMs: number }>();

  return async function verify(token) {
    const remembered = verified.get(token);
    if (remembered) {
      if (Date.now() < remembered.validUntilMs) return remembered.token;
      verified.delete(token);
    }
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
    const identity: VerifiedToken = {
      userId: sub,
      email: typeof payload.email === "string" ? payload.email : null,
      name: typeof payload.name === "string" ? payload.name : null,
    };
    // Oldest first out: Map keeps insertion order.
    if (verified.size >= VERIFIED_CACHE_SIZE)
      verified.delete(verified.keys().next().value as string);
    verified.set(token, {
      token: identity,
      validUntilMs: ((payload.exp as number) + auth.clockSkewSeconds) * 1000,
    });
    return identity;
  };
}

function isFetchFailure(error: unknown): boolean {
  return error instanceof TypeError && error.message === "fetch failed";
}
