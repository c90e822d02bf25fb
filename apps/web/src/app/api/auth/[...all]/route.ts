import { toNextJsHandler } from "@tasklane/auth/next-js";
import { getAuth } from "@/lib/server/auth";

// Better Auth's endpoints: sign-up, sign-in, sign-out, session, /token (the API's JWT) and
// /jwks (the keys the API verifies it with).
export const { GET, POST } = toNextJsHandler((request) => getAuth().handler(request));
