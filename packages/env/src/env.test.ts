import { Type } from "typebox";
import { describe, expect, it } from "vitest";
import { ConfigError, parseEnvironment, resolveStack, StackEnv } from "./index";

const Schema = Type.Object({
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8000 }),
  ENABLED: Type.Boolean({ default: true }),
  NAME: Type.Optional(Type.String({ pattern: "^[a-z]+$", description: "lower-case letters" })),
  SECRET: Type.String({ minLength: 8 }),
});

function errorOf(environment: Record<string, string | undefined>): ConfigError {
  try {
    parseEnvironment(Schema, environment);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`accepted ${JSON.stringify(environment)}`);
}

describe("parseEnvironment", () => {
  it("fills in defaults, converts text and leaves out variables the schema does not name", () => {
    expect(
      parseEnvironment(Schema, { SECRET: "12345678", ENABLED: "false", OTHER: "x", PATH: "/bin" }),
    ).toEqual({ PORT: 8000, ENABLED: false, SECRET: "12345678" });
    expect(parseEnvironment(Schema, { SECRET: "12345678", PORT: "9000" }).PORT).toBe(9000);
  });

  it("treats absent, empty and blank values alike as not set, and trims the others", () => {
    expect(
      parseEnvironment(Schema, { SECRET: " 12345678 ", PORT: "", NAME: "  ", ENABLED: undefined }),
    ).toEqual({ PORT: 8000, ENABLED: true, SECRET: "12345678" });
  });

  it("names every bad variable once, with what it must be, prefixed for start-up", () => {
    const error = errorOf({ PORT: "70000", NAME: "Upper", ENABLED: "maybe" });
    expect(error.message).toBe(
      "invalid configuration: PORT must be <= 65535, ENABLED must be boolean, " +
        "NAME must be lower-case letters, SECRET is required",
    );
  });

  it("never echoes a value", () => {
    const error = errorOf({ SECRET: "hunter2", NAME: "hunter2-NAME", PORT: "hunter2-port" });
    expect(error.message).not.toContain("hunter2");
  });

  it("refuses a fractional number for an integer", () => {
    expect(errorOf({ SECRET: "12345678", PORT: "80.5" }).message).toContain("PORT must be integer");
  });
});

describe("resolveStack: the addresses the API, the web app and npm start share", () => {
  const stack = (environment: Record<string, string>) =>
    resolveStack(parseEnvironment(StackEnv, environment));

  it("defaults to the web app on localhost:3000 and the API on 127.0.0.1:8000", () => {
    expect(stack({})).toEqual({
      api: { host: "127.0.0.1", port: 8000, url: "http://127.0.0.1:8000" },
      web: { host: "127.0.0.1", port: 3000, url: "http://localhost:3000" },
    });
  });

  it("derives each URL from where its part listens", () => {
    expect(stack({ WEB_PORT: "4100", API_PORT: "8100" })).toMatchObject({
      api: { url: "http://127.0.0.1:8100" },
      web: { url: "http://localhost:4100" },
    });
    expect(stack({ API_HOST: "0.0.0.0" }).api.url).toBe("http://127.0.0.1:8000");
    expect(stack({ API_HOST: "::1" }).api.url).toBe("http://[::1]:8000");
  });

  it("takes BETTER_AUTH_URL and NEXT_PUBLIC_API_URL as written, as bare origins", () => {
    expect(
      stack({
        BETTER_AUTH_URL: "https://tasks.example.com/",
        NEXT_PUBLIC_API_URL: "https://api.x",
      }),
    ).toMatchObject({
      api: { url: "https://api.x" },
      web: { url: "https://tasks.example.com" },
    });
    expect(() => stack({ BETTER_AUTH_URL: "https://tasks.example.com/app" })).toThrow(
      /BETTER_AUTH_URL must be an origin/,
    );
    expect(() => stack({ WEB_PORT: "http" })).toThrow(/WEB_PORT must be integer/);
  });
});
