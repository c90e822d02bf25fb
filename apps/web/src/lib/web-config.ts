import { AuthEnv, trustedOriginsOf } from "@tasklane/auth/env";
import { DatabaseEnv } from "@tasklane/db/env";
import {
  type Environment,
  parseEnvironment,
  parseTrustProxy,
  resolveStack,
  StackEnv,
} from "@tasklane/env";
import { Type } from "typebox";

export { ConfigError, loopbackTwin } from "@tasklane/env";

/** The web app's settings, read from the environment once and checked. */
export interface WebConfig {
  /** Better Auth's base URL, an origin without trailing slash; also the JWT issuer and audience. */
  authUrl: string;
  authSecret: string;
  databaseUrl: string;
  /** The task API's origin as the browser reaches it. */
  apiUrl: string;
  /** Origins Better Auth accepts requests from. */
  trustedOrigins: string[];
  /**
   * TRUST_PROXY: proxies (addresses, CIDRs, proxy-addr's range names) whose X-Forwarded-For
   * names the client, as for the API; empty trusts nobody and takes the socket's address.
   */
  trustProxy: string[];
}

/** The web app's settings: Better Auth's, the stack's and the database URL. */
const WebEnv = Type.Object({
  ...Type.Pick(DatabaseEnv, ["DATABASE_URL"]).properties,
  ...AuthEnv.properties,
  ...StackEnv.properties,
  TRUST_PROXY: Type.Optional(Type.String()),
});

export function parseWebConfig(environment: Environment): WebConfig {
  const env = parseEnvironment(WebEnv, environment);
  const stack = resolveStack(env);
  return {
    authUrl: stack.web.url,
    authSecret: env.BETTER_AUTH_SECRET,
    databaseUrl: env.DATABASE_URL,
    apiUrl: stack.api.url,
    trustedOrigins: trustedOriginsOf(stack.web.url, env),
    trustProxy: parseTrustProxy(env.TRUST_PROXY) ?? [],
  };
}
