import { type BetterAuthPlugin, betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { jwt } from "better-auth/plugins";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password";

export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password";

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
    emailAndPassword: {
      enabled: true,
      minPasswordLength: PASSWORD_MIN_LENGTH,
      maxPasswordLength: PASSWORD_MAX_LENGTH,
    },
    // Deleting the user row cascades to its sessions, accounts and tasks (foreign keys).
    user: { deleteUser: { enabled: true } },
    // Better Auth turns rate limiting on only when NODE_ENV is production, and its default
    // window differs between code (10 s) and docs (60 s): state it. The stricter built-in rules
    // for sign-in and sign-up (3 per 10 s per client IP) still apply on top.
    rateLimit: { enabled: true, window: 60, max: 100 },
    // Nothing leaves the machine (self-hosted, maybe offline).
    telemetry: { enabled: false },
    plugins: [
      jwt({
        // One fixed issuer and audience, the values the API checks by default.
        jwt: { issuer: options.baseUrl, audience: options.baseUrl, expirationTime: "15m" },
        // Clients fetch tokens from /token; without this, every session lookup (each server
        // render) would also sign a JWT for a response header nobody reads.
        disableSettingJwtHeader: true,
      }),
      ...(options.extraPlugins ?? []),
    ],
  });
}

export type Auth = ReturnType<typeof initAuth>;
export type Session = Auth["$Infer"]["Session"];
