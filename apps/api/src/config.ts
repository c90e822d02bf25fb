import { DatabaseEnv, poolSettingsOf } from "@tasklane/db/env";
import {
  ConfigError,
  type Environment,
  parseEnvironment,
  parseHttpUrl,
  parseOriginList,
  parseTrustProxy,
  resolveStack,
  StackEnv,
  withLoopbackTwin,
} from "@tasklane/env";
import { readEnvironment } from "@tasklane/env/file";
import { type Static, Type } from "typebox";

export { ConfigError } from "@tasklane/env";
export { readEnvironment } from "@tasklane/env/file";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const Milliseconds = (defaultMs: number) =>
  Type.Integer({ minimum: 100, maximum: 600_000, default: defaultMs });

/** The API's settings: the database's and the stack's, and its own. */
const EnvSchema = Type.Object({
  ...DatabaseEnv.properties,
  ...StackEnv.properties,
  API_WORKERS: Type.Integer({ minimum: 1, maximum: 256, default: 1 }),
  AUTH_JWKS_URL: Type.Optional(Type.String()),
  JWT_SECRET: Type.Optional(Type.String()),
  JWT_ISSUER: Type.Optional(Type.String()),
  JWT_AUDIENCE: Type.Optional(Type.String()),
  JWT_CLOCK_SKEW_SECONDS: Type.Integer({ minimum: 0, maximum: 3600, default: 30 }),
  JWT_MAX_AGE_SECONDS: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Default: the web app's origin under both loopback names (see resolveStack). */
  CORS_ORIGINS: Type.Optional(Type.String()),
  RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 0, default: 1200 }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 65536 }),
  REQUEST_TIMEOUT_MS: Milliseconds(30_000),
  HEADERS_TIMEOUT_MS: Milliseconds(10_000),
  TRUST_PROXY: Type.Optional(Type.String()),
  JOBS_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 100, default: 4 }),
  JOBS_POLL_INTERVAL_MS: Type.Integer({ minimum: 50, maximum: 60_000, default: 1000 }),
  // Below server.ts's 10 s limit on the whole shutdown.
  JOBS_SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 0, maximum: 8000, default: 5000 }),
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
  jobs: {
    /** Background jobs this process runs at once. */
    concurrency: number;
    /** How often an idle process looks for due jobs. */
    pollIntervalMs: number;
    /** On shutdown, how long running jobs may take to finish before they are handed back. */
    shutdownGraceMs: number;
  };
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

/** Validates the environment once at start-up; a bad setting throws a ConfigError naming it. */
export function loadConfig(environment: Environment = readEnvironment()): Config {
  const env = parseEnvironment(EnvSchema, environment);
  const pool = poolSettingsOf(env);
  const stack = resolveStack(env);
  const jwksUrl = env.AUTH_JWKS_URL
    ? parseHttpUrl("AUTH_JWKS_URL", env.AUTH_JWKS_URL)
    : new URL("/api/auth/jwks", stack.web.url);
  // Better Auth uses its base URL as both iss and aud; accept it as written and as a bare origin.
  const betterAuthIdentifiers = env.BETTER_AUTH_URL
    ? [...new Set([env.BETTER_AUTH_URL, env.BETTER_AUTH_URL.replace(/\/+$/, ""), stack.web.url])]
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
    corsOrigins: env.CORS_ORIGINS
      ? parseOriginList("CORS_ORIGINS", env.CORS_ORIGINS)
      : withLoopbackTwin(stack.web.url),
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    poolMax: pool.max,
    connectTimeoutMs: pool.connectionTimeoutMillis,
    queryTimeoutMs: pool.queryTimeoutMillis,
    statementTimeoutMs: pool.statementTimeoutMillis,
    preparedStatements: pool.namedStatements,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    headersTimeoutMs: env.HEADERS_TIMEOUT_MS,
    trustProxy: parseTrustProxy(env.TRUST_PROXY) ?? false,
    logLevel: env.LOG_LEVEL,
    jobs: {
      concurrency: env.JOBS_CONCURRENCY,
      pollIntervalMs: env.JOBS_POLL_INTERVAL_MS,
      shutdownGraceMs: env.JOBS_SHUTDOWN_GRACE_MS,
    },
  };
}
