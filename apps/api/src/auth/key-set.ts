import { createLocalJWKSet, type JSONWebKeySet, type JWSHeaderParameters } from "jose";

/** A key set younger than this is used as it is; an older one is refetched (spec §14). */
const FRESH_MS = 10 * 60_000;
/** While refetching fails, the last key set fetched is trusted for this long after its fetch. */
const LAST_GOOD_MS = 24 * 60 * 60_000;
/** Fetch attempts, successful or not, are at least this far apart. */
const COOLDOWN_MS = 30_000;
const TIMEOUT_MS = 5_000;
/** Far more than any real key set; bounds what a misbehaving endpoint makes us parse. */
const MAX_BODY_BYTES = 1024 * 1024;

/** The keys cannot be had (never fetched, too old, or an unknown kid while the endpoint fails). */
export class KeysUnavailable extends Error {
  override name = "KeysUnavailable";
}

type LocalKeys = ReturnType<typeof createLocalJWKSet>;

interface Fetched {
  resolve: LocalKeys;
  kids: ReadonlySet<string>;
  fetchedAtMs: number;
}

/**
 * The JWKS of the token issuer, fetched lazily and kept (not jose's remote set, which can neither
 * tell us when a refetch drops a key nor keep the last good set through an outage):
 * - refetched when older than 10 minutes, or for an unknown kid: at most once per 30 s,
 *   failures included, one fetch at a time;
 * - when refetching fails, the last set fetched stays in use for up to 24 hours, but an unknown
 *   kid is then `KeysUnavailable` (the 503), not an invalid token;
 * - `onRefetch` hears every successful fetch's kids, so tokens of a removed key can be dropped.
 */
export class KeySet {
  private current: Fetched | null = null;
  private lastAttemptMs = Number.NEGATIVE_INFINITY;
  private lastAttemptFailed = false;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly url: URL,
    private readonly onRefetch: (kids: ReadonlySet<string>) => void,
    private readonly onFailure: (error: unknown) => void = () => {},
  ) {}

  /** Whether the key set in use has this kid (what a remembered token's key must still be). */
  has(kid: string): boolean {
    return this.usable()?.kids.has(kid) ?? false;
  }

  /**
   * Starts a background refetch when the set is older than 10 minutes, never waiting: for
   * remembered tokens, which need no key but should be dropped soon after theirs is removed.
   */
  refreshIfStale(): void {
    const now = Date.now();
    if (this.current && now - this.current.fetchedAtMs >= FRESH_MS) this.refetch(now);
  }

  /** The key resolver for a token with this protected header, per the rules above. */
  async resolverFor(header: JWSHeaderParameters): Promise<LocalKeys> {
    const kid = typeof header.kid === "string" ? header.kid : null;
    const now = Date.now();
    let keys = this.usable();
    const stale = keys === null || now - keys.fetchedAtMs >= FRESH_MS;
    if (stale || (kid !== null && !keys?.kids.has(kid))) {
      const attempt = this.refetch(now);
      if (attempt) await attempt;
      keys = this.usable();
    }
    if (keys === null) throw new KeysUnavailable("no token verification keys");
    if (kid !== null && !keys.kids.has(kid) && this.lastAttemptFailed) {
      throw new KeysUnavailable("unknown kid while the key endpoint is failing");
    }
    return keys.resolve;
  }

  private usable(): Fetched | null {
    const current = this.current;
    if (current === null || Date.now() - current.fetchedAtMs >= LAST_GOOD_MS) return null;
    return current;
  }

  /** One fetch at a time, none within the cooldown; the promise settles when it is done. */
  private refetch(now: number): Promise<void> | null {
    if (this.inFlight) return this.inFlight;
    if (now - this.lastAttemptMs < COOLDOWN_MS) return null;
    this.lastAttemptMs = now;
    this.inFlight = this.fetchKeys()
      .then((fetched) => {
        this.current = fetched;
        this.lastAttemptFailed = false;
        this.onRefetch(fetched.kids);
      })
      .catch((error: unknown) => {
        this.lastAttemptFailed = true;
        this.onFailure(error);
      })
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }

  private async fetchKeys(): Promise<Fetched> {
    const response = await fetch(this.url, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`JWKS endpoint answered ${response.status}`);
    const body = await response.text();
    if (body.length > MAX_BODY_BYTES) throw new Error("JWKS response too large");
    const jwks = JSON.parse(body) as JSONWebKeySet;
    const resolve = createLocalJWKSet(jwks);
    const kids = new Set(
      jwks.keys.map((key) => key.kid).filter((kid): kid is string => typeof kid === "string"),
    );
    return { resolve, kids, fetchedAtMs: Date.now() };
  }
}
