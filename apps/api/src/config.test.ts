import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig, readEnvironment } from "./config";

const DATABASE_URL = "postgres://tasklane:secret@db.example.test:5432/tasklane";
const load = (env: Record<string, string> = {}) => loadConfig({ DATABASE_URL, ...env });

function configErrorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("loadConfig defaults", () => {
  it("needs nothing but DATABASE_URL and fills in the documented defaults", () => {
    const config = load();
    expect(config.databaseUrl).toBe(DATABASE_URL);
    expect(config.host).toBe("127.0.0.1");
    expect(config.port).toBe(8000);
    expect(config.corsOrigins).toEqual(["http://localhost:3000", "http://127.0.0.1:3000"]);
    expect(config.rateLimitPerMinute).toBe(1200);
    expect(config.bodyLimitBytes).toBe(64 * 1024);
    expect(config.logLevel).toBe("info");
    expect(config.auth.clockSkewSeconds).toBe(30);
    // Together they keep an outage's answer under 2 s; the server cancels before the client gives up.
    expect(config).toMatchObject({
      poolMax: 10,
      connectTimeoutMs: 1500,
      queryTimeoutMs: 1500,
      statementTimeoutMs: 1000,
    });
    expect(config.auth.hs256Secret).toBeNull();
    expect(config.auth.issuers).toBeNull();
    expect(config.auth.audiences).toBeNull();
    // Better Auth's default address, where the web app serves its JWKS.
    expect(config.auth.jwksUrl.href).toBe("http://localhost:3000/api/auth/jwks");
    expect(config.requestTimeoutMs).toBe(30_000);
    expect(config.headersTimeoutMs).toBe(10_000);
    expect(config.trustProxy).toBe(false);
  });

  it("reads numbers, the log level and the HS256 secret from their variables", () => {
    const config = load({
      API_HOST: "0.0.0.0",
      API_PORT: "8080",
      RATE_LIMIT_PER_MINUTE: "0",
      JWT_CLOCK_SKEW_SECONDS: "5",
      LOG_LEVEL: "debug",
      JWT_SECRET: "s3cret-s3cret-s3cret-s3cret-s3cret",
    });
    expect(config).toMatchObject({
      host: "0.0.0.0",
      port: 8080,
      rateLimitPerMinute: 0,
      logLevel: "debug",
    });
    expect(config.auth.clockSkewSeconds).toBe(5);
    expect(config.auth.hs256Secret).toEqual(
      new TextEncoder().encode("s3cret-s3cret-s3cret-s3cret-s3cret"),
    );
  });

  it("takes CORS_ORIGINS as a comma list of bare origins", () => {
    const config = load({ CORS_ORIGINS: "https://tasks.example.com, http://localhost:5173/" });
    expect(config.corsOrigins).toEqual(["https://tasks.example.com", "http://localhost:5173"]);
  });

  it("treats an empty JWT_SECRET, JWT_ISSUER or BETTER_AUTH_URL as unset", () => {
    const config = load({ JWT_SECRET: "", JWT_ISSUER: "", JWT_AUDIENCE: "", BETTER_AUTH_URL: "" });
    expect(config.auth.hs256Secret).toBeNull();
    expect(config.auth.issuers).toBeNull();
    expect(config.auth.audiences).toBeNull();
  });
});

describe("loadConfig refuses bad settings with a ConfigError naming the variable", () => {
  it.each([
    ["API_PORT", "abc"],
    ["API_PORT", "70000"],
    ["API_PORT", "-1"],
    ["API_PORT", "80.5"],
    ["CORS_ORIGINS", "not-a-url"],
    ["CORS_ORIGINS", "ftp://files.example.com"],
    ["CORS_ORIGINS", "https://tasks.example.com/app"],
    ["CORS_ORIGINS", "http://localhost:3000,nope"],
    ["AUTH_JWKS_URL", "ftp://x"],
    ["AUTH_JWKS_URL", "not a url"],
    ["BETTER_AUTH_URL", "localhost:3000"],
    ["RATE_LIMIT_PER_MINUTE", "-1"],
    ["RATE_LIMIT_PER_MINUTE", "many"],
    ["JWT_CLOCK_SKEW_SECONDS", "-5"],
    ["LOG_LEVEL", "loud"],
    ["DB_CONNECT_TIMEOUT_MS", "0"],
    ["DB_PREPARED_STATEMENTS", "sometimes"],
    ["DB_STATEMENT_TIMEOUT_MS", "-1"],
    ["DB_STATEMENT_TIMEOUT_MS", "1500"],
    ["REQUEST_TIMEOUT_MS", "10"],
    ["REQUEST_TIMEOUT_MS", "soon"],
    ["HEADERS_TIMEOUT_MS", "0"],
    ["HEADERS_TIMEOUT_MS", "60000"],
    ["TRUST_PROXY", "true"],
    ["TRUST_PROXY", "1"],
    ["TRUST_PROXY", "10.0.0.0/33"],
    ["TRUST_PROXY", "10.0.0.1,proxy.example.com"],
    ["TRUST_PROXY", "::1/129"],
    ["TRUST_PROXY", " , "],
  ])("%s=%s", (name, value) => {
    const error = configErrorOf({ DATABASE_URL, [name]: value });
    expect(error.name).toBe("ConfigError");
    expect(error.message).toContain(name);
  });

  it("DB_STATEMENT_TIMEOUT_MS not below DB_QUERY_TIMEOUT_MS", () => {
    const error = configErrorOf({
      DATABASE_URL,
      DB_QUERY_TIMEOUT_MS: "5000",
      DB_STATEMENT_TIMEOUT_MS: "5000",
    });
    expect(error.message).toContain("DB_STATEMENT_TIMEOUT_MS");
    expect(load({ DB_QUERY_TIMEOUT_MS: "5000", DB_STATEMENT_TIMEOUT_MS: "0" })).toMatchObject({
      queryTimeoutMs: 5000,
      statementTimeoutMs: 0,
    });
  });

  it("DATABASE_URL missing", () => {
    const error = configErrorOf({});
    expect(error.message).toContain("DATABASE_URL");
  });

  it("names each bad variable when several are wrong", () => {
    const error = configErrorOf({ DATABASE_URL, API_PORT: "abc", LOG_LEVEL: "loud" });
    expect(error.message).toContain("API_PORT");
    expect(error.message).toContain("LOG_LEVEL");
  });

  it("does not echo the value of a secret in the error", () => {
    // The database password must not end up in a start-up error printed to the console.
    const error = configErrorOf({ DATABASE_URL, API_PORT: "abc", JWT_SECRET: "hunter2-secret" });
    expect(error.message).not.toContain("hunter2-secret");
    expect(error.message).not.toContain("tasklane:secret");
  });
});

describe("TRUST_PROXY", () => {
  it("takes a comma list of addresses, CIDRs and proxy-addr's range names", () => {
    const { trustProxy } = load({
      TRUST_PROXY: "10.0.0.1, 192.168.0.0/16,::1,fd00::/8,loopback,uniquelocal",
    });
    expect(trustProxy).toEqual([
      "10.0.0.1",
      "192.168.0.0/16",
      "::1",
      "fd00::/8",
      "loopback",
      "uniquelocal",
    ]);
  });

  it("explains that a hop count is not accepted", () => {
    expect(configErrorOf({ DATABASE_URL, TRUST_PROXY: "2" }).message).toMatch(
      /TRUST_PROXY must be a comma list of proxy addresses or CIDRs/,
    );
  });
});

describe("the JWKS URL", () => {
  it("is derived from BETTER_AUTH_URL when AUTH_JWKS_URL is unset", () => {
    const config = load({ BETTER_AUTH_URL: "https://auth.example.com" });
    expect(config.auth.jwksUrl.href).toBe("https://auth.example.com/api/auth/jwks");
  });

  it("ignores a trailing slash on BETTER_AUTH_URL", () => {
    const config = load({ BETTER_AUTH_URL: "https://auth.example.com/" });
    expect(config.auth.jwksUrl.href).toBe("https://auth.example.com/api/auth/jwks");
  });

  it("is AUTH_JWKS_URL when set, whatever BETTER_AUTH_URL says", () => {
    const config = load({
      BETTER_AUTH_URL: "https://auth.example.com",
      AUTH_JWKS_URL: "https://keys.example.com/.well-known/jwks.json",
    });
    expect(config.auth.jwksUrl.href).toBe("https://keys.example.com/.well-known/jwks.json");
  });
});

describe("issuer and audience", () => {
  it("are not checked when neither they nor BETTER_AUTH_URL are set", () => {
    const { auth } = load();
    expect(auth.issuers).toBeNull();
    expect(auth.audiences).toBeNull();
  });

  it("both default to BETTER_AUTH_URL when it is set", () => {
    const { auth } = load({ BETTER_AUTH_URL: "https://auth.example.com" });
    expect(auth.issuers).toContain("https://auth.example.com");
    expect(auth.audiences).toContain("https://auth.example.com");
  });

  it("are JWT_ISSUER and JWT_AUDIENCE when set, over BETTER_AUTH_URL", () => {
    const { auth } = load({
      BETTER_AUTH_URL: "https://auth.example.com",
      JWT_ISSUER: "https://issuer.example.com",
      JWT_AUDIENCE: "tasklane-api",
    });
    expect(auth.issuers).toEqual(["https://issuer.example.com"]);
    expect(auth.audiences).toEqual(["tasklane-api"]);
  });

  it("default each on its own: JWT_ISSUER alone leaves the audience at BETTER_AUTH_URL", () => {
    const { auth } = load({
      BETTER_AUTH_URL: "https://auth.example.com",
      JWT_ISSUER: "https://issuer.example.com",
    });
    expect(auth.issuers).toEqual(["https://issuer.example.com"]);
    expect(auth.audiences).toContain("https://auth.example.com");
  });

  it("are checked without BETTER_AUTH_URL when JWT_ISSUER / JWT_AUDIENCE are set", () => {
    const { auth } = load({ JWT_ISSUER: "issuer", JWT_AUDIENCE: "audience" });
    expect(auth.issuers).toEqual(["issuer"]);
    expect(auth.audiences).toEqual(["audience"]);
  });

  it("apply BETTER_AUTH_URL's default to JWKS tokens only, not to HS256 (spec §14)", () => {
    const { auth } = load({ BETTER_AUTH_URL: "https://auth.example.com" });
    expect(auth.issuers).toContain("https://auth.example.com");
    expect(auth.hs256Issuers).toBeNull();
    expect(auth.hs256Audiences).toBeNull();
  });

  it("check HS256 tokens against JWT_ISSUER / JWT_AUDIENCE when set explicitly", () => {
    const { auth } = load({
      BETTER_AUTH_URL: "https://auth.example.com",
      JWT_ISSUER: "https://issuer.example.com",
      JWT_AUDIENCE: "tasklane-api",
    });
    expect(auth.hs256Issuers).toEqual(["https://issuer.example.com"]);
    expect(auth.hs256Audiences).toEqual(["tasklane-api"]);
  });
});

describe("JWT_SECRET", () => {
  it.each([
    ["x", 1],
    ["dev-secret-change-me", 20],
    ["a".repeat(31), 31],
    // 10 characters, 30 bytes: the rule counts bytes.
    ["ééééééééééééééé", 30],
  ])("refuses %j (%i bytes), naming the variable and not the value", (secret, bytes) => {
    const error = configErrorOf({ DATABASE_URL, JWT_SECRET: secret });
    expect(error.message).toContain("JWT_SECRET");
    expect(error.message).toContain("32 bytes");
    expect(error.message).toContain(`got ${bytes}`);
    expect(error.message).not.toContain(secret);
  });

  it("accepts 32 bytes and more", () => {
    expect(load({ JWT_SECRET: "a".repeat(32) }).auth.hs256Secret).toHaveLength(32);
    expect(load({ JWT_SECRET: "ü".repeat(16) }).auth.hs256Secret).toHaveLength(32);
  });
});

describe("JWT_MAX_AGE_SECONDS", () => {
  it("is unset by default", () => {
    expect(load().auth.maxAgeSeconds).toBeNull();
  });

  it("is read as auth.maxAgeSeconds", () => {
    expect(load({ JWT_MAX_AGE_SECONDS: "3600" }).auth.maxAgeSeconds).toBe(3600);
  });

  it.each(["0", "-1", "soon", "1.5"])("refuses %j", (value) => {
    expect(configErrorOf({ DATABASE_URL, JWT_MAX_AGE_SECONDS: value }).message).toContain(
      "JWT_MAX_AGE_SECONDS",
    );
  });
});

describe("readEnvironment", () => {
  const dir = mkdtempSync(join(tmpdir(), "tasklane-config-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const envFile = (text: string) => {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.env`);
    writeFileSync(path, text);
    return pathToFileURL(path);
  };

  it("treats empty values as unset, so loadConfig applies the defaults", () => {
    const env = readEnvironment({ DATABASE_URL, JWT_SECRET: "", API_PORT: "" }, envFile(""));
    expect(env).toEqual({ DATABASE_URL });
    expect(loadConfig(env).port).toBe(8000);
  });

  it("reads the .env file under the process environment, which wins", () => {
    const env = readEnvironment(
      { API_PORT: "9000" },
      envFile("DATABASE_URL=postgres://from-file/db\nAPI_PORT=7000\nJWT_SECRET=\n"),
    );
    expect(env).toEqual({ DATABASE_URL: "postgres://from-file/db", API_PORT: "9000" });
  });

  it("works without a .env file", () => {
    const env = readEnvironment({ DATABASE_URL }, pathToFileURL(join(dir, "missing.env")));
    expect(env).toEqual({ DATABASE_URL });
  });
});

describe("defaults shared with the web app and npm start (resolveStack)", () => {
  it("allow the web app's origin for CORS, under both loopback names", () => {
    expect(load({ BETTER_AUTH_URL: "https://tasks.example.com" }).corsOrigins).toEqual([
      "https://tasks.example.com",
    ]);
    expect(load({ WEB_PORT: "4100" }).corsOrigins).toEqual([
      "http://localhost:4100",
      "http://127.0.0.1:4100",
    ]);
  });

  it("look for the JWKS where the web app listens", () => {
    expect(load({ WEB_PORT: "4100" }).auth.jwksUrl.href).toBe(
      "http://localhost:4100/api/auth/jwks",
    );
  });

  it("refuse a BETTER_AUTH_URL with a path, as the web app does", () => {
    expect(
      configErrorOf({ DATABASE_URL, BETTER_AUTH_URL: "https://x.example/app" }).message,
    ).toMatch(/BETTER_AUTH_URL must be an origin/);
  });
});
