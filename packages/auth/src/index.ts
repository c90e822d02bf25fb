import { type BetterAuthPlugin, betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { jwt } from "better-auth/plugins";

/** Minimal structural type of the Drizzle database the adapter needs. */
type DrizzleDatabase = Parameters<typeof drizzleAdapter>[0];

export interface AuthOptions {
  /** The web app's public origin, e.g. http://localhost:3000. Also the JWT issuer and audience. */
  baseUrl: string;
  secret: string;
  db: DrizzleDatabase;
  /** The Drizzle schema object (Better Auth's tables) the adapter maps onto. */
  schema: Record<string, unknown>;
  trustedOrigins?: string[];
  /** Framework plugins appended last (e.g. Next.js's nextCookies()). */
  extraPlugins?: BetterAuthPlugin[];
}

/**
 * Builds the Better Auth instance. A factory, not a singleton, so the web app,
 * the schema-generation CLI and tests each pass their own database and secret.
 */
export function initAuth(options: AuthOptions) {
  return betterAuth({
    baseURL: options.baseUrl,
    secret: options.secret,
    database: drizzleAdapter(options.db, { provider: "pg", schema: options.schema }),
    trustedOrigins: options.trustedOrigins,
    emailAndPassword: { enabled: true },
    plugins: [
      jwt({
        // One fixed issuer and audience, the values the API checks by default.
        jwt: { issuer: options.baseUrl, audience: options.baseUrl, expirationTime: "15m" },
      }),
      ...(options.extraPlugins ?? []),
    ],
  });
}

export type Auth = ReturnType<typeof initAuth>;
export type Session = Auth["$Infer"]["Session"];
