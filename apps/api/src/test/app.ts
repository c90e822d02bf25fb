import { createTestDatabase } from "@tasklane/db/testing";
import Fastify, {
  type FastifyInstance,
  type InjectOptions,
  type LightMyRequestResponse,
} from "fastify";
import app, { serverOptions } from "../app";
import { loadConfig } from "../config";
import { JwksServer, signHs256, type TokenClaims } from "./jwks-server";

export const TEST_HS256_SECRET = "test-only-hs256-secret-0123456789abcdef";

export interface TestApp {
  app: FastifyInstance;
  jwks: JwksServer;
  databaseUrl: string;
  /** An EdDSA token from the local JWKS for `sub` (default claims: 10 minutes). */
  token(sub: string, claims?: TokenClaims): Promise<string>;
  hs256(claims: TokenClaims, secret?: string): Promise<string>;
  /** app.inject with `Authorization: Bearer <token for user>`. */
  as(user: string, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * The real app on a fresh, migrated database of its own, trusting a local JWKS
 * (and HS256 with TEST_HS256_SECRET). `env` overrides any setting.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const jwks = await JwksServer.start();
  const config = loadConfig({
    DATABASE_URL: database.url,
    AUTH_JWKS_URL: jwks.url,
    JWT_SECRET: TEST_HS256_SECRET,
    LOG_LEVEL: "silent",
    RATE_LIMIT_PER_MINUTE: "0",
    ...env,
  });
  const fastify = Fastify(serverOptions(config));
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
