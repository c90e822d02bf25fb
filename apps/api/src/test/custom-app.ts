import { createTestDatabase } from "@tasklane/db/testing";
import Fastify, { type FastifyServerOptions } from "fastify";
import app, { serverOptions } from "../app";
import { loadConfig } from "../config";
import { TEST_HS256_SECRET, type TestApp } from "./app";
import { JwksServer, signHs256, type TokenClaims } from "./jwks-server";

export interface CustomTestAppOptions {
  /** Settings over the test defaults, as for createTestApp; "" means unset. */
  env?: Record<string, string>;
  /**
   * The URL the app connects to, given the test database's real one (e.g. through a
   * TcpProxy). The returned TestApp's `databaseUrl` stays the real one.
   */
  databaseUrl?: (realUrl: string) => string | Promise<string>;
  /** Where the app's pino logger writes its JSON lines (LOG_LEVEL from env, default "info"). */
  logStream?: { write(line: string): void };
}

/**
 * createTestApp with the two knobs it lacks: the database URL the app is given, and
 * a log destination. Same server options, same app, same fresh database and JWKS.
 */
export async function createCustomTestApp(options: CustomTestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const jwks = await JwksServer.start();
  const appDatabaseUrl = options.databaseUrl
    ? await options.databaseUrl(database.url)
    : database.url;
  const config = loadConfig({
    AUTH_JWKS_URL: jwks.url,
    JWT_SECRET: TEST_HS256_SECRET,
    LOG_LEVEL: options.logStream ? "info" : "silent",
    RATE_LIMIT_PER_MINUTE: "0",
    ...options.env,
    DATABASE_URL: appDatabaseUrl,
  });
  const server = serverOptions(config);
  const fastifyOptions: FastifyServerOptions = options.logStream
    ? {
        ...server,
        logger: { ...(server.logger as Record<string, unknown>), stream: options.logStream },
      }
    : server;
  const fastify = Fastify(fastifyOptions);
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
    async as(user, injectOptions) {
      let bearer = tokens.get(user);
      if (!bearer) {
        bearer = await token(user);
        tokens.set(user, bearer);
      }
      return fastify.inject({
        ...injectOptions,
        headers: { authorization: `Bearer ${bearer}`, ...injectOptions.headers },
      });
    },
    async close() {
      await fastify.close();
      await jwks.close();
      await database.drop();
    },
  };
}
