import { describe, expect, it } from "vitest";
import { ConfigError, loopbackTwin, parseWebConfig } from "./web-config";

const SECRET = "s".repeat(32);
const BASE = { BETTER_AUTH_SECRET: SECRET, DATABASE_URL: "postgres://u@127.0.0.1:5432/tasklane" };

describe("parseWebConfig", () => {
  it("defaults to localhost:3000 for auth and 127.0.0.1:8000 for the API", () => {
    const config = parseWebConfig(BASE);
    expect(config.authUrl).toBe("http://localhost:3000");
    expect(config.apiUrl).toBe("http://127.0.0.1:8000");
    expect(config.trustedOrigins).toEqual(["http://localhost:3000", "http://127.0.0.1:3000"]);
  });

  it("drops a trailing slash so the JWT issuer matches what the API accepts", () => {
    const config = parseWebConfig({ ...BASE, BETTER_AUTH_URL: "http://127.0.0.1:4100/" });
    expect(config.authUrl).toBe("http://127.0.0.1:4100");
    expect(config.trustedOrigins).toEqual(["http://127.0.0.1:4100", "http://localhost:4100"]);
  });

  it("trusts a public origin alone, plus any extra origins", () => {
    const config = parseWebConfig({
      ...BASE,
      BETTER_AUTH_URL: "https://tasks.example.com",
      BETTER_AUTH_TRUSTED_ORIGINS: "https://www.example.com, https://tasks.example.com",
    });
    expect(config.trustedOrigins).toEqual(["https://tasks.example.com", "https://www.example.com"]);
  });

  it("treats empty values as unset", () => {
    const config = parseWebConfig({ ...BASE, BETTER_AUTH_URL: "", NEXT_PUBLIC_API_URL: " " });
    expect(config.authUrl).toBe("http://localhost:3000");
    expect(config.apiUrl).toBe("http://127.0.0.1:8000");
  });

  it.each([
    [{ BETTER_AUTH_SECRET: undefined }, /BETTER_AUTH_SECRET/],
    [{ BETTER_AUTH_SECRET: "short" }, /BETTER_AUTH_SECRET/],
    [{ DATABASE_URL: undefined }, /DATABASE_URL/],
    [{ DATABASE_URL: "mysql://x" }, /DATABASE_URL/],
    [{ BETTER_AUTH_URL: "localhost:3000" }, /BETTER_AUTH_URL/],
    [{ BETTER_AUTH_URL: "http://localhost:3000/app" }, /BETTER_AUTH_URL/],
    [{ NEXT_PUBLIC_API_URL: "ftp://api" }, /NEXT_PUBLIC_API_URL/],
    [{ BETTER_AUTH_TRUSTED_ORIGINS: "nope" }, /BETTER_AUTH_TRUSTED_ORIGINS/],
    [{ TRUST_PROXY: "true" }, /TRUST_PROXY/],
    [{ TRUST_PROXY: "1" }, /TRUST_PROXY/],
    [{ TRUST_PROXY: "10.0.0.0/33" }, /TRUST_PROXY/],
    [{ TRUST_PROXY: "proxy.example.com" }, /TRUST_PROXY/],
  ])("names the variable of a bad setting %#", (override, message) => {
    expect(() => parseWebConfig({ ...BASE, ...override })).toThrow(ConfigError);
    expect(() => parseWebConfig({ ...BASE, ...override })).toThrow(message);
  });
});

describe("TRUST_PROXY", () => {
  it("trusts no proxy by default: the client address is the socket's", () => {
    expect(parseWebConfig(BASE).trustProxy).toEqual([]);
  });

  it("takes the API's form: addresses, CIDRs and range names", () => {
    const config = parseWebConfig({ ...BASE, TRUST_PROXY: "10.0.0.5, fd00::/8,loopback" });
    expect(config.trustProxy).toEqual(["10.0.0.5", "fd00::/8", "loopback"]);
  });
});

describe("loopbackTwin", () => {
  it("swaps localhost and 127.0.0.1, keeping the port", () => {
    expect(loopbackTwin("http://localhost:3000")).toBe("http://127.0.0.1:3000");
    expect(loopbackTwin("http://127.0.0.1:8123")).toBe("http://localhost:8123");
    expect(loopbackTwin("https://example.com")).toBeNull();
  });
});

describe("defaults shared with the API and npm start (resolveStack)", () => {
  it("reach the API where it listens and serve auth where the web app listens", () => {
    const config = parseWebConfig({
      ...BASE,
      API_HOST: "0.0.0.0",
      API_PORT: "8100",
      WEB_PORT: "4100",
    });
    expect(config.apiUrl).toBe("http://127.0.0.1:8100");
    expect(config.authUrl).toBe("http://localhost:4100");
  });

  it("prefix every message for start-up", () => {
    expect(() => parseWebConfig({ ...BASE, API_PORT: "70000" })).toThrow(
      "invalid configuration: API_PORT must be <= 65535",
    );
  });
});
