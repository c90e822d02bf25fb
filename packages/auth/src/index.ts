import { type BetterAuthPlugin, betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { jwt } from "better-auth/plugins";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password";

export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password";

/**
 * The request header Better Auth takes the client's address from (rate limits, session records).
 * The web server sets it on every request from the socket, and from X-Forwarded-For only when
 * the socket is a proxy named in TRUST_PROXY, replacing whatever a client sent; Better Auth's
 * default, X-Forwarded-For as the client sent it, let any client pick its rate-limit bucket.
 */
export const CLIENT_ADDRESS_HEADER = "x-tasklane-client-address";

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
    // Deleting the user row cascades to its sessions, accounts and tasks (foreign keys), and a
    // trigger leaves a tombstone the API refuses the account's tokens by (schema.deletedUser).
    user: { deleteUser: { enabled: true } },
    hooks: { before: requirePasswordToDeleteAccount },
    advanced: { ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] } },
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

/**
 * Better Auth deletes an account without its password when the session is less than a day old
 * (`session.freshAge`): whoever holds a stolen session cookie could. Ask for the password
 * always; delete-user checks it against the account's hash.
 */
const requirePasswordToDeleteAccount = createAuthMiddleware(async (ctx) => {
  if (ctx.path !== "/delete-user") return;
  const password = (ctx.body as { password?: unknown } | undefined)?.password;
  if (typeof password !== "string" || password === "") {
    throw new APIError("BAD_REQUEST", {
      code: "PASSWORD_REQUIRED",
      message: "Enter your password to delete your account",
    });
  }
});

export type Auth = ReturnType<typeof initAuth>;
export type Session = Auth["$Infer"]["Session"];
