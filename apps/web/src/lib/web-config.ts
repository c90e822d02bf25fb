import { isIP } from "node:net";

/** The web app's settings, read from the environment once and checked. */
export interface WebConfig {
  /** Better Auth's base URL, an origin without trailing slash; also the JWT issuer and audience. */
  authUrl: string;
  authSecret: string;
  databaseUrl: string;
  /** The task API's origin as the browser reaches it. */
  apiUrl: string;
  /** Origins Better Auth accepts requests from. */
  trustedOrigins: string[];
  /**
   * TRUST_PROXY: proxies (addresses, CIDRs, proxy-addr's range names) whose X-Forwarded-For
   * names the client, as for the API; empty trusts nobody and takes the socket's address.
   */
  trustProxy: string[];
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export const DEFAULT_AUTH_URL = "http://localhost:3000";
export const DEFAULT_API_URL = "http://127.0.0.1:8000";
/** Better Auth warns about shorter secrets; the session cookies and JWT keys depend on it. */
const MIN_SECRET_LENGTH = 32;

type Environment = Record<string, string | undefined>;

/** An empty value (e.g. `BETTER_AUTH_SECRET=` copied from .env.example) means "not set". */
function read(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === "" ? undefined : value;
}

function parseOrigin(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got "${value}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`${name} must be an http(s) URL, got "${value}"`);
  }
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "") {
    throw new ConfigError(`${name} must be an origin without a path, like ${DEFAULT_AUTH_URL}`);
  }
  return url.origin;
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

export function parseWebConfig(env: Environment): WebConfig {
  const authUrl = parseOrigin("BETTER_AUTH_URL", read(env, "BETTER_AUTH_URL") ?? DEFAULT_AUTH_URL);

  const authSecret = read(env, "BETTER_AUTH_SECRET");
  if (authSecret === undefined || authSecret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      `BETTER_AUTH_SECRET must be set to a random string of at least ${MIN_SECRET_LENGTH} characters ` +
        "(for example the output of `openssl rand -base64 32`)",
    );
  }

  const databaseUrl = read(env, "DATABASE_URL");
  if (databaseUrl === undefined) throw new ConfigError("DATABASE_URL must be set");
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError("DATABASE_URL must be a postgres:// or postgresql:// URL");
  }

  const apiUrl = parseOrigin(
    "NEXT_PUBLIC_API_URL",
    read(env, "NEXT_PUBLIC_API_URL") ?? DEFAULT_API_URL,
  );

  const extraOrigins = (read(env, "BETTER_AUTH_TRUSTED_ORIGINS") ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter((origin) => origin !== "")
    .map((origin) => parseOrigin("BETTER_AUTH_TRUSTED_ORIGINS", origin));
  const twin = loopbackTwin(authUrl);
  const trustedOrigins = [...new Set([authUrl, ...(twin ? [twin] : []), ...extraOrigins])];

  return {
    authUrl,
    authSecret,
    databaseUrl,
    apiUrl,
    trustedOrigins,
    trustProxy: parseTrustProxy(read(env, "TRUST_PROXY")),
  };
}

const PROXY_RANGE_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

/** The API's rule (apps/api config): addresses, CIDRs and range names; never `true` or a count. */
function parseTrustProxy(value: string | undefined): string[] {
  if (value === undefined) return [];
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

function isAddressOrCidr(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = "", prefix, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
