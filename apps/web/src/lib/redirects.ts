/** Header the proxy sets on protected requests so server components know the requested path. */
export const REQUEST_PATH_HEADER = "x-tasklane-path";

const AUTH_PAGES = ["/sign-in", "/sign-up"];
/** Any other origin: a path that resolves to the same place against both is a path on any site. */
const PROBE_ORIGIN = "http://probe.tasklane.invalid";

/**
 * The `next` parameter as a path on this site (`appOrigin`, e.g. http://localhost:3000), or "/"
 * when it is missing, could lead elsewhere, or leads back to an auth page.
 *
 * The target is resolved the way a browser would resolve it (dot segments, backslashes, tabs and
 * newlines, percent-encoded dots) and accepted only when it lands on `appOrigin`. The path that
 * comes out is what goes into a Location header or `location.assign`, so it must resolve to this
 * site on its own as well: `/.//evil.example/` resolves on this site to the path
 * `//evil.example/`, which a browser then reads as another host.
 */
export function safeNextPath(next: string | null | undefined, appOrigin: string): string {
  if (!next || !(next.startsWith("/") || URL.canParse(next))) return "/";
  let url: URL;
  try {
    url = new URL(next, appOrigin);
  } catch {
    return "/";
  }
  if (url.origin !== new URL(appOrigin).origin) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) return "/";
  const probe = new URL(path, PROBE_ORIGIN);
  if (probe.origin !== PROBE_ORIGIN || `${probe.pathname}${probe.search}${probe.hash}` !== path) {
    return "/";
  }
  if (AUTH_PAGES.some((page) => url.pathname === page || url.pathname.startsWith(`${page}/`))) {
    return "/";
  }
  return path;
}

/** The sign-in page, sending the person back to `returnTo` (a path on `appOrigin`) afterwards. */
export function signInPath(returnTo: string, appOrigin: string): string {
  const next = safeNextPath(returnTo, appOrigin);
  return next === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(next)}`;
}
