import {
  decodeProtectedHeader,
  type JWTPayload,
  type JWTVerifyOptions,
  errors as joseErrors,
  jwtVerify,
} from "jose";
import type { Config } from "../config";
import { KeySet, KeysUnavailable } from "./key-set";

/** Algorithms Better Auth's jwt plugin can sign with (its JWKS); HS256 only with JWT_SECRET. */
const ASYMMETRIC_ALGORITHMS = ["EdDSA", "ES256", "ES512", "RS256", "PS256"];

/** Tokens longer than this are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 8192;
const MAX_SUBJECT_LENGTH = 255;
/** Verified tokens remembered, so a user's every request does not pay for a signature check. */
const VERIFIED_CACHE_SIZE = 10_000;
/** A verified token is remembered this long at most (spec §14), and never past its `exp`. */
const REMEMBER_MS = 10 * 60_000;

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

export interface TokenVerifierOptions {
  /**
   * Runs once for a token that verified, before it is remembered (so not on the hot path of a
   * warm token); throws a TokenError to refuse it, e.g. for an account that was deleted.
   */
  admit?: (identity: VerifiedToken) => Promise<void>;
  /** Hears a failed fetch of the JWKS (verification goes on with the last good key set). */
  onKeysFailure?: (error: unknown) => void;
}

interface Remembered {
  identity: VerifiedToken;
  validUntilMs: number;
  /** The JWKS key the token was verified with; null for HS256. */
  kid: string | null;
}

/**
 * Verifies bearer tokens: EdDSA/ES/RS/PS against the JWKS (see KeySet), HS256 against
 * JWT_SECRET. `iss`/`aud` defaults from BETTER_AUTH_URL apply to JWKS tokens only; HS256 tokens
 * are checked against JWT_ISSUER/JWT_AUDIENCE when those are set (spec §14).
 *
 * A token that verified is remembered (the exact string, never a failure): an EdDSA check costs
 * ~130 µs, about half the API's whole budget for a request, and a client sends the same token
 * for its whole life. It is remembered for 10 minutes at most, never past its `exp` (or its
 * `iat` plus JWT_MAX_AGE_SECONDS), and forgotten as soon as a refetched JWKS lacks its key.
 */
export function createTokenVerifier(
  auth: Config["auth"],
  options: TokenVerifierOptions = {},
): TokenVerifier {
  const verified = new Map<string, Remembered>();
  const pending = new Map<string, Promise<VerifiedToken>>();
  const keys = new KeySet(
    auth.jwksUrl,
    (kids) => {
      for (const [token, entry] of verified) {
        if (entry.kid !== null && !kids.has(entry.kid)) verified.delete(token);
      }
    },
    options.onKeysFailure,
  );
  const common: JWTVerifyOptions = {
    requiredClaims: ["exp", "sub"],
    clockTolerance: auth.clockSkewSeconds,
    ...(auth.maxAgeSeconds !== null ? { maxTokenAge: auth.maxAgeSeconds } : {}),
  };
  const jwksOptions: JWTVerifyOptions = {
    ...common,
    algorithms: ASYMMETRIC_ALGORITHMS,
    ...(auth.issuers ? { issuer: auth.issuers } : {}),
    ...(auth.audiences ? { audience: auth.audiences } : {}),
  };
  const hs256Options: JWTVerifyOptions = {
    ...common,
    algorithms: ["HS256"],
    ...(auth.hs256Issuers ? { issuer: auth.hs256Issuers } : {}),
    ...(auth.hs256Audiences ? { audience: auth.hs256Audiences } : {}),
  };
  const secret = auth.hs256Secret;

  async function verifyAfresh(token: string): Promise<VerifiedToken> {
    let payload: JWTPayload;
    let kid: string | null = null;
    try {
      const header = decodeProtectedHeader(token);
      if (header.alg === "HS256" && secret) {
        ({ payload } = await jwtVerify(token, secret, hs256Options));
      } else if (header.alg && ASYMMETRIC_ALGORITHMS.includes(header.alg)) {
        ({ payload } = await jwtVerify(token, await keys.resolverFor(header), jwksOptions));
        kid = typeof header.kid === "string" ? header.kid : null;
      } else {
        throw new TokenError("invalid token");
      }
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new TokenError("token expired");
      if (error instanceof TokenError) throw error;
      // Keys that cannot be had are the auth server's outage, not a bad token: surface it.
      if (error instanceof KeysUnavailable) throw error;
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
    await options.admit?.(identity);

    // The key may have been dropped by a refetch while this token was being checked.
    if (kid !== null && !keys.has(kid)) throw new TokenError("invalid token");
    const skewMs = auth.clockSkewSeconds * 1000;
    let validUntilMs = Math.min((payload.exp as number) * 1000 + skewMs, Date.now() + REMEMBER_MS);
    if (auth.maxAgeSeconds !== null && typeof payload.iat === "number") {
      validUntilMs = Math.min(validUntilMs, (payload.iat + auth.maxAgeSeconds) * 1000 + skewMs);
    }
    // Oldest first out: Map keeps insertion order.
    if (verified.size >= VERIFIED_CACHE_SIZE) {
      verified.delete(verified.keys().next().value as string);
    }
    verified.set(token, { identity, validUntilMs, kid });
    return identity;
  }

  return async function verify(token) {
    const remembered = verified.get(token);
    if (remembered) {
      if (Date.now() < remembered.validUntilMs) {
        if (remembered.kid !== null) keys.refreshIfStale();
        return remembered.identity;
      }
      verified.delete(token);
    }
    if (token.length > MAX_TOKEN_LENGTH) throw new TokenError("invalid token");
    // A client's concurrent first requests share one verification (and one admission check).
    let inFlight = pending.get(token);
    if (!inFlight) {
      inFlight = verifyAfresh(token).finally(() => pending.delete(token));
      pending.set(token, inFlight);
    }
    return inFlight;
  };
}
