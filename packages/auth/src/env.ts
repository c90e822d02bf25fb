import { parseOriginList, withLoopbackTwin } from "@tasklane/env";
import { type Static, Type } from "typebox";

/** Better Auth's settings (the base URL is the stack's: BETTER_AUTH_URL in StackEnv). */
export const AuthEnv = Type.Object({
  BETTER_AUTH_SECRET: Type.String({
    minLength: 32,
    description: "a random string, for example the output of `openssl rand -base64 32`",
  }),
  BETTER_AUTH_TRUSTED_ORIGINS: Type.Optional(Type.String()),
});
export type AuthEnv = Static<typeof AuthEnv>;

/** The origins Better Auth accepts requests from: its own (under both loopback names) and any extra. */
export function trustedOriginsOf(baseUrl: string, env: AuthEnv): string[] {
  const extra = parseOriginList(
    "BETTER_AUTH_TRUSTED_ORIGINS",
    env.BETTER_AUTH_TRUSTED_ORIGINS ?? "",
  );
  return [...new Set([...withLoopbackTwin(baseUrl), ...extra])];
}
