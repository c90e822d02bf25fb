import { isIP } from "node:net";
import { Type } from "typebox";
import { ConfigError } from "./parse";

/** A TCP port setting. */
export function Port(defaultPort: number) {
  return Type.Integer({ minimum: 0, maximum: 65535, default: defaultPort });
}

/** An http(s) URL setting, checked as a URL. */
export function parseHttpUrl(name: string, value: string): URL {
  try {
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return url;
  } catch {}
  throw new ConfigError(`${name} must be an http(s) URL, got "${value}"`);
}

/** A bare origin (scheme, host, port; a trailing slash is tolerated), returned without the slash. */
export function parseOrigin(name: string, value: string): string {
  const url = parseHttpUrl(name, value);
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "" || url.username !== "") {
    throw new ConfigError(`${name} must be an origin without a path, like http://localhost:3000`);
  }
  return url.origin;
}

/** A comma list of bare origins; empty entries are skipped. */
export function parseOriginList(name: string, value: string): string[] {
  return value
    .split(",")
    .map((origin) => origin.trim())
    .filter((origin) => origin !== "")
    .map((origin) => parseOrigin(name, origin));
}

const LOOPBACK_TWINS: Record<string, string> = { localhost: "127.0.0.1", "127.0.0.1": "localhost" };

/** The same origin under the other loopback name, so both http://localhost and http://127.0.0.1 work. */
export function loopbackTwin(origin: string): string | null {
  const url = new URL(origin);
  const twin = LOOPBACK_TWINS[url.hostname];
  if (twin === undefined) return null;
  url.hostname = twin;
  return url.origin;
}

/** An origin and, for a loopback one, its twin. */
export function withLoopbackTwin(origin: string): string[] {
  const twin = loopbackTwin(origin);
  return twin ? [origin, twin] : [origin];
}

/** proxy-addr's names for address ranges, accepted next to addresses and CIDRs. */
const PROXY_RANGE_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

function isAddressOrCidr(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = "", prefix, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = family === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= bits;
}

/**
 * TRUST_PROXY (the API's and the web app's): unset (null) trusts nobody; else a comma list of the proxies' addresses, CIDRs and range names.
 * Not `true` nor a hop count: neither can tell a proxy from a client that sends X-Forwarded-For
 * itself, so any client could name its own address and dodge the per-IP rate limit (Fastify
 * ignores hop counts for that reason).
 */
export function parseTrustProxy(value: string | undefined): string[] | null {
  if (value === undefined) return null;
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  const bad = entries.find((entry) => !isAddressOrCidr(entry));
  if (entries.length === 0 || bad !== undefined) {
    throw new ConfigError(
      `TRUST_PROXY must be a comma list of proxy addresses or CIDRs (e.g. 10.0.0.0/8), got "${bad ?? value}"`,
    );
  }
  return entries;
}
