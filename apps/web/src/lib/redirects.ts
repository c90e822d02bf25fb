/** Header the proxy sets on protected requests so server components know the requested path. */
export const REQUEST_PATH_HEADER = "x-tasklane-path";

const AUTH_PAGES = ["/sign-in", "/sign-up"];

/**
 * The `next` parameter as a path on this site, or "/" when it is missing or could lead elsewhere
 * (an absolute URL, a protocol-relative `//host`, a backslash trick), or back to an auth page.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.includes("\\")) return "/";
  let url: URL;
  try {
    url = new URL(next, "http://tasklane.invalid");
  } catch {
    return "/";
  }
  if (url.origin !== "http://tasklane.invalid") return "/";
  if (AUTH_PAGES.some((page) => url.pathname === page || url.pathname.startsWith(`${page}/`))) {
    return "/";
  }
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The sign-in page, sending the person back to `returnTo` afterwards. */
export function signInPath(returnTo: string): string {
  const next = safeNextPath(returnTo);
  return next === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(next)}`;
}
