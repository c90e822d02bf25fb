import { getSessionCookie } from "@tasklane/auth/next-js";
import { type NextRequest, NextResponse } from "next/server";
import { REQUEST_PATH_HEADER, signInPath } from "@/lib/redirects";

/**
 * Sends visitors without a session cookie to sign-in, remembering where they were going. Only a
 * first, cheap check: the (app) layout verifies the session itself.
 */
export function proxy(request: NextRequest) {
  const path = `${request.nextUrl.pathname}${request.nextUrl.search}`;
  if (!getSessionCookie(request)) {
    return NextResponse.redirect(new URL(signInPath(path, request.nextUrl.origin), request.url));
  }
  const headers = new Headers(request.headers);
  headers.set(REQUEST_PATH_HEADER, path);
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ["/", "/stats", "/settings"] };
