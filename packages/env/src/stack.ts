import { type Static, Type } from "typebox";
import { Port, parseOrigin } from "./values";

/**
 * Where each part of the stack listens and how the others reach it. The API, the web app and
 * `npm start` all extend this schema, so the defaults they must agree on live here only.
 */
export const StackEnv = Type.Object({
  API_HOST: Type.String({ default: "127.0.0.1" }),
  API_PORT: Port(8000),
  WEB_HOST: Type.String({ default: "127.0.0.1" }),
  WEB_PORT: Port(3000),
  /** The web app's public origin: Better Auth's base URL, the JWT issuer and audience. */
  BETTER_AUTH_URL: Type.Optional(Type.String()),
  /** Where the browser reaches the API. */
  NEXT_PUBLIC_API_URL: Type.Optional(Type.String()),
});

export interface Stack {
  api: { host: string; port: number /** As the browser reaches it. */; url: string };
  web: { host: string; port: number /** As people open it. */; url: string };
}

/** The API's origin derived from where it listens: a wildcard host is reached on loopback. */
function apiOrigin(env: Pick<Static<typeof StackEnv>, "API_HOST" | "API_PORT">): string {
  const host = ["0.0.0.0", "::"].includes(env.API_HOST) ? "127.0.0.1" : env.API_HOST;
  return `http://${host.includes(":") ? `[${host}]` : host}:${env.API_PORT}`;
}

/** The stack's addresses, with the derived defaults filled in. */
export function resolveStack(env: Static<typeof StackEnv>): Stack {
  const webUrl = env.BETTER_AUTH_URL
    ? parseOrigin("BETTER_AUTH_URL", env.BETTER_AUTH_URL)
    : `http://localhost:${env.WEB_PORT}`;
  const apiUrl = env.NEXT_PUBLIC_API_URL
    ? parseOrigin("NEXT_PUBLIC_API_URL", env.NEXT_PUBLIC_API_URL)
    : apiOrigin(env);
  return {
    api: { host: env.API_HOST, port: env.API_PORT, url: apiUrl },
    web: { host: env.WEB_HOST, port: env.WEB_PORT, url: webUrl },
  };
}
