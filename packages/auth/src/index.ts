import { type BetterAuthPlugin, betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { jwt } from "better-auth/plugins";
import {
  EMAIL_MAX_LENGTH,
  IMAGE_URL_MAX_LENGTH,
  NAME_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from "./password";
import { weakPasswordReason } from "./weak-passwords";

export {
  EMAIL_MAX_LENGTH,
  IMAGE_URL_MAX_LENGTH,
  NAME_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from "./password";

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
    hooks: { before: checkRequestBody },
    advanced: { ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] } },
    // Better Auth turns rate limiting on only when NODE_ENV is production, and its default
    // window differs between code (10 s) and docs (60 s): state it. The stricter built-in rules
    // for sign-in and sign-up (3 per 10 s per client IP) still apply on top.
    rateLimit: { enabled: true, window: 60, max: 100 },
    // Nothing leaves the machine (self-hosted, maybe offline).
    telemetry: { enabled: false },
    plugins: [
      jwt({
        // One fixed issuer and audience, the values the API checks by default. Five minutes:
        // a token outlives sign-out (the API cannot see sessions), so not by long; the browser
        // fetches the next one a minute before `exp`.
        jwt: { issuer: options.baseUrl, audience: options.baseUrl, expirationTime: "5m" },
        // Clients fetch tokens from /token; without this, every session lookup (each server
        // render) would also sign a JWT for a response header nobody reads.
        disableSettingJwtHeader: true,
      }),
      ...(options.extraPlugins ?? []),
    ],
  });
}

/** Which body field of which route holds a new password. */
const NEW_PASSWORD_FIELDS: Record<string, string> = {
  "/sign-up/email": "password",
  "/change-password": "newPassword",
  "/reset-password": "newPassword",
};

const PROFILE_LIMITS: [field: string, max: number, label: string][] = [
  ["name", NAME_MAX_LENGTH, "name"],
  ["email", EMAIL_MAX_LENGTH, "email"],
  ["newEmail", EMAIL_MAX_LENGTH, "email"],
  ["image", IMAGE_URL_MAX_LENGTH, "image URL"],
];

const badRequest = (code: string, message: string) =>
  new APIError("BAD_REQUEST", { code, message });

/**
 * What Better Auth itself lets through:
 * - delete-user without the password when the session is less than a day old
 *   (`session.freshAge`): whoever holds a stolen session cookie could delete the account;
 * - new passwords that are blank or among the most commonly breached ones;
 * - profile fields of any length, which then ride in every API token (a 100,000-character
 *   name made tokens too big for the API's headers).
 */
const checkRequestBody = createAuthMiddleware(async (ctx) => {
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  if (ctx.path === "/delete-user") {
    if (typeof body.password !== "string" || body.password === "") {
      throw badRequest("PASSWORD_REQUIRED", "Enter your password to delete your account");
    }
  }
  const passwordField = NEW_PASSWORD_FIELDS[ctx.path];
  const password = passwordField ? body[passwordField] : undefined;
  if (typeof password === "string") {
    const reason = weakPasswordReason(password);
    if (reason) throw badRequest("PASSWORD_TOO_WEAK", reason);
  }
  for (const [field, max, label] of PROFILE_LIMITS) {
    const value = body[field];
    if (typeof value === "string" && value.length > max) {
      throw badRequest("FIELD_TOO_LONG", `The ${label} must be at most ${max} characters`);
    }
  }
});

export type Auth = ReturnType<typeof initAuth>;
export type Session = Auth["$Infer"]["Session"];
