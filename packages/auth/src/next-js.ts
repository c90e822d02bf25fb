// Better Auth's Next.js pieces, re-exported so the web app uses this package's single copy of
// better-auth (two copies would each keep their own state).
export { getSessionCookie } from "better-auth/cookies";
export { nextCookies, toNextJsHandler } from "better-auth/next-js";
