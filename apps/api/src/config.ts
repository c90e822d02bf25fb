import { existsSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import { parseEnv } from "node:util";
import envSchema from "env-schema";
import { type Static, Type } from "typebox";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const EnvSchema = Type.Object({
  DATABASE_URL: Type.String(),
  API_HOST: Type.String({ default: "127.0.0.1" }),
  API_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8000 }),
  API_WORKERS: Type.Integer({ minimum: 1, maximum: 256, default: 1 }),
  BETTER_AUTH_URL: Type.Optional(Type.String()),
  AUTH_JWKS_URL: Type.Optional(Type.String()),
  JWT_SECRET: Type.Optional(Type.String()),
  JWT_ISSUER: Type.Optional(Type.String()),
  JWT_AUDIENCE: Type.Optional(Type.String()),
  JWT_CLOCK_SKEW_SECONDS: Type.Integer({ minimum: 0, maximum: 3600, default: 30 }),
  JWT_MAX_AGE_SECONDS: Type.Optional(Type.Integer({ minimum: 1 })),
  CORS_ORIGINS: Type.String({ default: "http://localhost:3000,http://127.0.0.1:3000" }),
  RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 0, default: 1200 }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 65536 }),
  DB_POOL_MAX: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
  DB_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 1500 }),
  DB_QUERY_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 1500 }),
  DB_PREPARED_STATEMENTS: Type.Boolean({ default: true }),
  DB_STATEMENT_TIMEOUT_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 1000 }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 30_000 }),
  HEADERS_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 10_000 }),
  TRUST_PROXY: Type.Optional(Type.String()),
  LOG_LEVEL: Type.Unsafe<(typeof LOG_LEVELS)[number]>({
    type: "string",
    enum: [...LOG_LEVELS],
    default: "info",
  }),
});
type Env = Static<typeof EnvSchema>;

export interface Config {
  databaseUrl: string;
  host: string;
  port: number;
  /** Processes serving the port (node:cluster); 1 serves from this process. */
  workers: number;
  auth: {
    jwksUrl: URL;
    /** HS256 shared secret (at least 32 bytes); HS256 tokens are refused when absent. */
    hs256Secret: Uint8Array | null;
    /** Accepted `iss` values of JWKS tokens; null skips the check. */
    issuers: string[] | null;
    /** Accepted `aud` values of JWKS tokens; null skips the check. */
    audiences: string[] | null;
    /** Accepted `iss` of HS256 tokens: JWT_ISSUER only, never the BETTER_AUTH_URL default. */
    hs256Issuers: string[] | null;
    /** Accepted `aud` of HS256 tokens: JWT_AUDIENCE only, never the BETTER_AUTH_URL default. */
    hs256Audiences: string[] | null;
    clockSkewSeconds: number;
    /** JWT_MAX_AGE_SECONDS: tokens whose `iat` is older are refused; null: no cap but `exp`. */
    maxAgeSeconds: number | null;
  };
  corsOrigins: string[];
  /** Requests per minute per user; unauthenticated clients get a quarter per IP. 0 disables. */
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  poolMax: number;
  /** Longest wait for a database connection (a free pooled one or a new one) before a 503. */
  connectTimeoutMs: number;
  /** Longest wait for a query's answer before the request fails with 503. */
  queryTimeoutMs: number;
  /** PostgreSQL's statement_timeout for the API's sessions; 0 leaves the server's setting. */
  statementTimeoutMs: number;
  /** Named server-side prepared statements; off for poolers that cannot carry them. */
  preparedStatements: boolean;
  /** Longest time a client may take to send a whole request, headers and body. */
  requestTimeoutMs: number;
  /** Longest time a client may take to send a request's headers (slowloris). */
  headersTimeoutMs: number;
  /** Peers (addresses, CIDRs) whose X-Forwarded-For names the client; false trusts nobody. */
  trustProxy: false | string[];
  logLevel: Env["LOG_LEVEL"];
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** RFC 8725 §3.5: an HMAC key needs at least as many bytes as the hash's output (SHA-256). */
const MIN_HS256_SECRET_BYTES = 32;

function parseHs256Secret(value: string | undefined): Uint8Array | null {
  if (!value) return null;
  const secret = new TextEncoder().encode(value);
  if (secret.length < MIN_HS256_SECRET_BYTES) {
    // The length only: the value is a secret.
    throw new ConfigError(
      `JWT_SECRET must be at least ${MIN_HS256_SECRET_BYTES} bytes (got ${secret.length}); use a random one, e.g. \`openssl rand -base64 32\``,
    );
  }
  return secret;
}

function parseUrl(name: string, value: string): URL {
  try {
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return url;
  } catch {}
  throw new ConfigError(`${name} must be an http(s) URL, got "${value}"`);
}

function parseOrigins(value: string): string[] {
  return value
    .split(",")
    .map((origin) => origin.trim())
    .filter((origin) => origin !== "")
    .map((origin) => {
      const url = parseUrl("CORS_ORIGINS", origin);
      if (url.origin !== origin.replace(/\/$/, "")) {
        throw new ConfigError(`CORS_ORIGINS entries must be bare origins, got "${origin}"`);
      }
      return url.origin;
    });
}

/** proxy-addr's names for address ranges, accepted next to addresses and CIDRs. */
const PROXY_RANGE_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

function isAddressOrCidr(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = "", prefix, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = family === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= bits;
}

/**
 * TRUST_PROXY: unset is off; else a comma list of the proxies' addresses, CIDRs and range names.
 * Not `true` nor a hop count: neither can tell a proxy from a client that sends X-Forwarded-For
 * itself, so any client could name its own address and dodge the per-IP rate limit (Fastify
 * ignores hop counts for that reason).
 */
function parseTrustProxy(value: string | undefined): Config["trustProxy"] {
  if (value === undefined) return false;
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  const bad = entries.find((entry) => !isAddressOrCidr(entry));
  if (entries.length === 0 || bad !== undefined) {
    throw new ConfigError(
      `TRUST_PROXY must be a comma list of proxy addresses or CIDRs (e.g. 10.0.0.0/8), got "${bad ?? value}"`,
    );
  }
  return entries;
}

/** Reads the repo-root .env (when present) under the process environment, which wins. */
export function readEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  envFile: URL = new URL("../../../.env", import.meta.url),
): Record<string, string> {
  const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, "utf8")) : {};
  const merged: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...fromFile, ...env })) {
    // An empty value (e.g. `JWT_SECRET=` copied from .env.example) means "not set".
    if (value !== undefined && value !== "") merged[key] = value;
  }
  return merged;
}

/** Validates the environment once at start-up; a bad setting throws a ConfigError naming it. */
export function loadConfig(environment: Record<string, string> = readEnvironment()): Config {
  let env: Env;
  try {
    env = envSchema<Env>({ schema: structuredClone(EnvSchema), data: environment, env: false });
  } catch (error) {
    const message = (error as Error).message
      .replace(/env\/(\w+)/g, "$1")
      .replace(/env must have required property '(\w+)'/g, "$1 is required");
    throw new ConfigError(`invalid configuration: ${message}`);
  }

  // The server should cancel a slow statement (freeing its locks) before the client gives up on it.
  if (env.DB_STATEMENT_TIMEOUT_MS >= env.DB_QUERY_TIMEOUT_MS) {
    throw new ConfigError(
      `DB_STATEMENT_TIMEOUT_MS (${env.DB_STATEMENT_TIMEOUT_MS}) must be below DB_QUERY_TIMEOUT_MS (${env.DB_QUERY_TIMEOUT_MS})`,
    );
  }

  const betterAuthUrl = env.BETTER_AUTH_URL
    ? parseUrl("BETTER_AUTH_URL", env.BETTER_AUTH_URL)
    : null;
  const jwksUrl = env.AUTH_JWKS_URL
    ? parseUrl("AUTH_JWKS_URL", env.AUTH_JWKS_URL)
    : new URL("/api/auth/jwks", betterAuthUrl ?? "http://localhost:3000");
  // Better Auth uses its base URL as both iss and aud; accept it as written and as a bare origin.
  const betterAuthIdentifiers =
    env.BETTER_AUTH_URL && betterAuthUrl
      ? [
          ...new Set([
            env.BETTER_AUTH_URL,
            env.BETTER_AUTH_URL.replace(/\/+$/, ""),
            betterAuthUrl.origin,
          ]),
        ]
      : null;

  if (env.HEADERS_TIMEOUT_MS > env.REQUEST_TIMEOUT_MS) {
    // Node refuses a headers deadline past the whole request's.
    throw new ConfigError("HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS");
  }

  return {
    databaseUrl: env.DATABASE_URL,
    host: env.API_HOST,
    port: env.API_PORT,
    workers: env.API_WORKERS,
    auth: {
      jwksUrl,
      hs256Secret: parseHs256Secret(env.JWT_SECRET),
      issuers: env.JWT_ISSUER ? [env.JWT_ISSUER] : betterAuthIdentifiers,
      audiences: env.JWT_AUDIENCE ? [env.JWT_AUDIENCE] : betterAuthIdentifiers,
      // Shared-secret issuers send neither claim unless told to (spec §14).
      hs256Issuers: env.JWT_ISSUER ? [env.JWT_ISSUER] : null,
      hs256Audiences: env.JWT_AUDIENCE ? [env.JWT_AUDIENCE] : null,
      clockSkewSeconds: env.JWT_CLOCK_SKEW_SECONDS,
      maxAgeSeconds: env.JWT_MAX_AGE_SECONDS ?? null,
    },
    corsOrigins: parseOrigins(env.CORS_ORIGINS),
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    poolMax: env.DB_POOL_MAX,
    connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
    queryTimeoutMs: env.DB_QUERY_TIMEOUT_MS,
    statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
    preparedStatements: env.DB_PREPARED_STATEMENTS,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    headersTimeoutMs: env.HEADERS_TIMEOUT_MS,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    logLevel: env.LOG_LEVEL,
  };
}
