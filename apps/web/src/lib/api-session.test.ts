import { describe, expect, it, vi } from "vitest";
import {
  createAuthorizedFetch,
  createTokenProvider,
  jwtExpiry,
  REFRESH_MARGIN_MS,
} from "./api-session";

/** An unsigned JWT-shaped token; only the payload matters here. */
function token(exp: number, id = "t"): string {
  const payload = Buffer.from(JSON.stringify({ sub: id, exp })).toString("base64url");
  return `header.${payload}.signature`;
}

describe("jwtExpiry", () => {
  it("reads exp in milliseconds", () => {
    expect(jwtExpiry(token(1_800_000_000))).toBe(1_800_000_000_000);
  });

  it("is 0 for something that is not a JWT", () => {
    expect(jwtExpiry("garbage")).toBe(0);
    expect(jwtExpiry("a.!!!.c")).toBe(0);
    expect(jwtExpiry(`a.${Buffer.from("{}").toString("base64url")}.c`)).toBe(0);
  });
});

describe("createTokenProvider", () => {
  it("reuses a token until shortly before it expires", async () => {
    let clock = 1_000_000_000_000;
    const tokens = [token(clock / 1000 + 900, "first"), token(clock / 1000 + 1800, "second")];
    const fetchToken = vi.fn(async () => tokens.shift() ?? null);
    const provider = createTokenProvider({ fetchToken, now: () => clock });

    const first = await provider.getToken();
    clock += 900_000 - REFRESH_MARGIN_MS - 1;
    expect(await provider.getToken()).toBe(first);
    expect(fetchToken).toHaveBeenCalledTimes(1);

    clock += 2;
    expect(await provider.getToken()).not.toBe(first);
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it("shares one request between concurrent callers", async () => {
    let resolve: (value: string) => void = () => {};
    const fetchToken = vi.fn(() => new Promise<string>((done) => (resolve = done)));
    const provider = createTokenProvider({ fetchToken });
    const calls = [provider.getToken(), provider.getToken(), provider.refresh()];
    resolve(token(Date.now() / 1000 + 900));
    const results = await Promise.all(calls);
    expect(new Set(results).size).toBe(1);
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it("returns null without a session, and tries again after a failure", async () => {
    const fetchToken = vi
      .fn<() => Promise<string | null>>()
      .mockRejectedValueOnce(new Error("network"))
      .mockResolvedValueOnce(null);
    const provider = createTokenProvider({ fetchToken });
    await expect(provider.getToken()).rejects.toThrow("network");
    expect(await provider.getToken()).toBeNull();
  });

  it("forgets the token when cleared", async () => {
    const fetchToken = vi.fn(async () => token(Date.now() / 1000 + 900));
    const provider = createTokenProvider({ fetchToken });
    await provider.getToken();
    provider.clear();
    await provider.getToken();
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });
});

describe("createAuthorizedFetch", () => {
  const response = (status: number) => new Response(null, { status });

  function setup(statuses: number[], freshToken: string | null) {
    const fetch = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) =>
      response(statuses.shift() ?? 500),
    );
    const tokens = { getToken: vi.fn(), refresh: vi.fn(async () => freshToken), clear: vi.fn() };
    const onSignedOut = vi.fn();
    const authorizedFetch = createAuthorizedFetch({ tokens, onSignedOut, fetch });
    return { fetch, tokens, onSignedOut, authorizedFetch };
  }

  it("passes other responses through", async () => {
    const { authorizedFetch, tokens } = setup([200], "new");
    expect((await authorizedFetch("/api/tasks")).status).toBe(200);
    expect(tokens.refresh).not.toHaveBeenCalled();
  });

  it("retries a 401 once with a fresh token", async () => {
    const { authorizedFetch, fetch, onSignedOut } = setup([401, 200], "new");
    const result = await authorizedFetch("/api/tasks", {
      method: "POST",
      headers: { authorization: "Bearer old", "content-type": "application/json" },
      body: "{}",
    });
    expect(result.status).toBe(200);
    const retryInit = fetch.mock.calls[1]?.[1];
    expect(new Headers(retryInit?.headers).get("authorization")).toBe("Bearer new");
    expect(new Headers(retryInit?.headers).get("content-type")).toBe("application/json");
    expect(retryInit?.body).toBe("{}");
    expect(onSignedOut).not.toHaveBeenCalled();
  });

  it("signs out when the retry is refused too", async () => {
    const { authorizedFetch, onSignedOut } = setup([401, 401], "new");
    expect((await authorizedFetch("/api/tasks")).status).toBe(401);
    expect(onSignedOut).toHaveBeenCalledOnce();
  });

  it("signs out without retrying when the session is gone", async () => {
    const { authorizedFetch, fetch, onSignedOut } = setup([401], null);
    expect((await authorizedFetch("/api/tasks")).status).toBe(401);
    expect(fetch).toHaveBeenCalledOnce();
    expect(onSignedOut).toHaveBeenCalledOnce();
  });
});
