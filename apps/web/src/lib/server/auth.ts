import "server-only";
import { type Auth, initAuth } from "@tasklane/auth";
import { nextCookies } from "@tasklane/auth/next-js";
// The client and schema entry points only: the package root also carries the migrator, which a
// web server has no use for.
import { createDatabase } from "@tasklane/db/client";
import * as schema from "@tasklane/db/schema";
import { headers } from "next/headers";
import { cache } from "react";
import { getWebConfig } from "./config";

let auth: Auth | undefined;

/** The Better Auth instance, with its own small pool on the shared database. */
export function getAuth(): Auth {
  if (auth === undefined) {
    const config = getWebConfig();
    const { db } = createDatabase(config.databaseUrl, { max: 5, applicationName: "tasklane-web" });
    auth = initAuth({
      baseUrl: config.authUrl,
      secret: config.authSecret,
      db,
      schema,
      trustedOrigins: config.trustedOrigins,
      extraPlugins: [nextCookies()],
    });
  }
  return auth;
}

/** The signed-in person's session for this request (looked up once per request), or null. */
export const getSession = cache(async () => {
  // headers() first: it is what marks the page as rendered per request, not at build time.
  const requestHeaders = await headers();
  return getAuth().api.getSession({ headers: requestHeaders });
});
