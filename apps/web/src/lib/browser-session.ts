import { createTasklaneAuthClient } from "@tasklane/auth/client";
import { createTokenProvider } from "./api-session";
import { signInPath } from "./redirects";

/** Better Auth in the browser, on the page's own origin (localhost or 127.0.0.1 alike). */
export const authClient = createTasklaneAuthClient();

/** The API token of this tab, in memory only. */
export const apiTokens = createTokenProvider({
  async fetchToken() {
    const { data, error } = await authClient.token();
    if (data) return data.token;
    if (error.status === 401) return null;
    throw new Error(error.message ?? `token request failed with status ${error.status}`);
  },
});

let leaving = false;

/** Full navigation to sign-in (dropping every in-memory state), coming back here afterwards. */
export function redirectToSignIn(): void {
  if (leaving) return;
  leaving = true;
  apiTokens.clear();
  window.location.assign(
    signInPath(`${window.location.pathname}${window.location.search}`, window.location.origin),
  );
}

export async function signOut(): Promise<void> {
  apiTokens.clear();
  await authClient.signOut();
  window.location.assign("/sign-in");
}
