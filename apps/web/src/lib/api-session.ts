// How the browser holds its API token: in memory only (never localStorage, so a script injected
// later cannot read a stored one), fetched from Better Auth's /api/auth/token with the session
// cookie, and fetched again shortly before it expires or when the API refuses it.

import { decodeJwt } from "jose";

/** Refresh this long before `exp`, so a token never expires between fetching and use. */
export const REFRESH_MARGIN_MS = 60_000;

/**
 * The `exp` of a JWT in epoch milliseconds, or 0 when it cannot be read (use once, then refresh).
 * Only read, not verified: the API verifies the token; this only decides when to fetch a new one.
 */
export function jwtExpiry(token: string): number {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === "number" ? exp * 1000 : 0;
  } catch {
    return 0;
  }
}

export interface TokenSource {
  /** A fresh token, or null when the person has no session. Throws when it cannot tell. */
  fetchToken(): Promise<string | null>;
  now?: () => number;
}

export interface TokenProvider {
  /** The cached token while it has more than REFRESH_MARGIN_MS left, else a fresh one. */
  getToken(): Promise<string | null>;
  /** Fetches a new token, sharing one request between concurrent callers. */
  refresh(): Promise<string | null>;
  clear(): void;
}

export function createTokenProvider({ fetchToken, now = Date.now }: TokenSource): TokenProvider {
  let cached: { token: string; expiresAt: number } | null = null;
  let pending: Promise<string | null> | null = null;

  function refresh(): Promise<string | null> {
    pending ??= fetchToken()
      .then((token) => {
        cached = token === null ? null : { token, expiresAt: jwtExpiry(token) };
        return token;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  }

  return {
    async getToken() {
      if (cached !== null && cached.expiresAt - now() > REFRESH_MARGIN_MS) return cached.token;
      return refresh();
    },
    refresh,
    clear() {
      cached = null;
    },
  };
}

/**
 * A fetch for the API client: on a 401 it gets a new token and retries once (the token may have
 * expired in the meantime, or the signing key rotated); when that fails too, or the person has no
 * session any more, it calls `onSignedOut`.
 */
export function createAuthorizedFetch({
  tokens,
  onSignedOut,
  fetch: baseFetch = globalThis.fetch.bind(globalThis),
}: {
  tokens: TokenProvider;
  onSignedOut: () => void;
  fetch?: typeof fetch;
}): typeof fetch {
  return async (input, init) => {
    const response = await baseFetch(input, init);
    if (response.status !== 401) return response;
    const token = await tokens.refresh();
    if (token === null) {
      onSignedOut();
      return response;
    }
    const headers = new Headers(init?.headers);
    headers.set("authorization", `Bearer ${token}`);
    const retried = await baseFetch(input, { ...init, headers });
    if (retried.status === 401) onSignedOut();
    return retried;
  };
}
