import { appDatabaseSettings, createTestDatabase } from "@tasklane/db/testing";
import Fastify, {
  type FastifyInstance,
  type InjectOptions,
  type LightMyRequestResponse,
} from "fastify";
import app from "../app";
import { loadConfig } from "../config";
import { serverOptions } from "../server-options";
import { JwksServer, signHs256, type TokenClaims } from "./jwks-server";

export const TEST_HS256_SECRET = "test-only-hs256-secret-0123456789abcdef";

export interface TestApp {
  app: FastifyInstance;
  jwks: JwksServer;
  /** Direct URL of the app's database, for fixtures; the app may go through a pooler. */
  databaseUrl: string;
  /** An EdDSA token from the local JWKS for `sub` (default claims: 10 minutes). */
  token(sub: string, claims?: TokenClaims): Promise<string>;
  hs256(claims: TokenClaims, secret?: string): Promise<string>;
  /** app.inject with `Authorization: Bearer <token for user>`. */
  as(user: string, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Settings over the test defaults; "" means unset. */
  env?: Record<string, string>;
  /**
   * The URL the app connects to, given the one it would use (e.g. through a TcpProxy): the
   * database's, or the pooler's during a pooler run. The returned TestApp's `databaseUrl` stays
   * the direct one.
   */
  databaseUrl?: (realUrl: string) => string | Promise<string>;
  /** Where the app's pino logger writes its JSON lines (LOG_LEVEL from env, default "info"). */
  logStream?: { write(line: string): void };
}

/**
 * The real app on a fresh, migrated database of its own, trusting a local JWKS
 * (and HS256 with TEST_HS256_SECRET).
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const jwks = await JwksServer.start();
  const config = loadConfig({
    AUTH_JWKS_URL: jwks.url,
    JWT_SECRET: TEST_HS256_SECRET,
    LOG_LEVEL: options.logStream ? "info" : "silent",
    RATE_LIMIT_PER_MINUTE: "0",
    ...appDatabaseSettings(),
    ...options.env,
    DATABASE_URL: options.databaseUrl
      ? await options.databaseUrl(database.appUrl)
      : database.appUrl,
  });
  const server = serverOptions(config);
  const fastify = Fastify(
    options.logStream
      ? { ...server, logger: { ...(server.logger as object), stream: options.logStream } }
      : server,
  );
  await fastify.register(app, { config });
  await fastify.ready();

  const tokens = new Map<string, string>();
  const token = (sub: string, claims: TokenClaims = {}) => jwks.sign({ sub, ...claims });
  return {
    app: fastify,
    jwks,
    databaseUrl: database.url,
    token,
    hs256: (claims, secret = TEST_HS256_SECRET) => signHs256(claims, secret),
    async as(user, options) {
      let bearer = tokens.get(user);
      if (!bearer) {
        bearer = await token(user);
        tokens.set(user, bearer);
      }
      return fastify.inject({
        ...options,
        headers: { authorization: `Bearer ${bearer}`, ...options.headers },
      });
    },
    async close() {
      await fastify.close();
      await jwks.close();
      await database.drop();
    },
  };
}
