import { jwtClient } from "better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";

export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password";

/**
 * The browser's Better Auth client. Without a baseURL it talks to the page's own origin, so
 * the app works whichever host name (localhost or 127.0.0.1) the person opened it under.
 */
export function createTasklaneAuthClient() {
  return createAuthClient({ plugins: [jwtClient()] });
}

export type TasklaneAuthClient = ReturnType<typeof createTasklaneAuthClient>;
