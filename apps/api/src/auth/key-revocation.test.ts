import type { LightMyRequestResponse } from "fastify";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, TEST_HS256_SECRET, type TestApp } from "../test/app";

// Spec §14: how long a verified token is remembered, what removing a key revokes, how old a
// token may be, and what happens while the key endpoint is down.

const DAY = 86_400;

// The clock is faked (Date only, so the caches, the cooldown and jose's claim checks all see it)
// and only ever moves forward, as the verifier's state lives across the tests of a describe.
beforeAll(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
});
afterAll(() => {
  vi.useRealTimers();
});

function advanceClock(seconds: number) {
  vi.setSystemTime(Date.now() + seconds * 1000);
}

const get = (app: TestApp, token: string) =>
  app.app.inject({
    method: "GET",
    url: "/api/tasks",
    headers: { authorization: `Bearer ${token}` },
  });

function expectStatus(response: LightMyRequestResponse, status: number, detail?: string) {
  expect(response.statusCode, response.body).toBe(status);
  if (detail) expect(response.json().detail).toBe(detail);
}

function expectKeysUnavailable(response: LightMyRequestResponse) {
  expect(response.statusCode, response.body).toBe(503);
  expect(response.json()).toMatchObject({ status_code: 503, error_type: "service_unavailable" });
}

describe("removing a key from the JWKS revokes its tokens", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("refuses a week-long token 10 minutes after its key was removed, without a new kid", async () => {
    await t.jwks.addKey("short-lived");
    const token = await t.jwks.sign({ sub: "revoked-1", expiresIn: 7 * DAY }, "short-lived");
    expectStatus(await get(t, token), 200);
    t.jwks.removeKey("short-lived");

    advanceClock(9 * 60);
    // Still remembered (and the key set still fresh): removal is not seen yet.
    expectStatus(await get(t, token), 200);
    advanceClock(61 + 30);
    // Remembered no longer; the key set is stale, so it is refetched, and the key is gone.
    expectStatus(await get(t, token), 401, "invalid token");
  });

  it("drops a remembered token as soon as a refetched JWKS lacks its kid", async () => {
    await t.jwks.addKey("doomed");
    // Past the refetch cooldown of the previous test, so the new kid is fetched.
    advanceClock(31);
    const token = await t.jwks.sign({ sub: "revoked-2", expiresIn: 10 * 365 * DAY }, "doomed");
    expectStatus(await get(t, token), 200);

    t.jwks.removeKey("doomed");
    await t.jwks.addKey("successor");
    advanceClock(31);
    // A token under the new kid makes the API refetch the key set…
    const fetches = t.jwks.fetches;
    const fresh = await t.jwks.sign({ sub: "revoked-2" }, "successor");
    expectStatus(await get(t, fresh), 200);
    expect(t.jwks.fetches).toBe(fetches + 1);
    // …which no longer has the old kid: the remembered token is gone at once.
    expectStatus(await get(t, token), 401, "invalid token");
    expect(t.jwks.fetches).toBe(fetches + 1);
  });

  it("keeps serving tokens of the keys that stay", async () => {
    const token = await t.token("survivor", { expiresIn: 7 * DAY });
    expectStatus(await get(t, token), 200);
    advanceClock(11 * 60);
    expectStatus(await get(t, token), 200);
  });
});

describe("a verified token is remembered for at most 10 minutes", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("checks a long-lived token again after 10 minutes (and refetches the stale key set)", async () => {
    const token = await t.token("remembered", { expiresIn: 30 * DAY });
    expectStatus(await get(t, token), 200);
    const fetches = t.jwks.fetches;
    advanceClock(9 * 60 + 50);
    expectStatus(await get(t, token), 200);
    expect(t.jwks.fetches).toBe(fetches);
    advanceClock(20);
    expectStatus(await get(t, token), 200);
    expect(t.jwks.fetches).toBe(fetches + 1);
  });
});

describe("JWT_MAX_AGE_SECONDS", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { JWT_MAX_AGE_SECONDS: "3600" } });
  });
  afterAll(() => t.close());

  it("refuses a token issued longer ago, whatever its exp", async () => {
    const old = await t.token("aged", { issuedAt: -7200, expiresIn: 365 * DAY });
    expectStatus(await get(t, old), 401, "token expired");
    const hs = await t.hs256({ sub: "aged", issuedAt: -7200, expiresIn: 365 * DAY });
    expectStatus(await get(t, hs), 401, "token expired");
  });

  it("accepts a younger token, and refuses it once it reaches the age", async () => {
    const token = await t.token("ageing", { issuedAt: -3500, expiresIn: 365 * DAY });
    expectStatus(await get(t, token), 200);
    // iat + max age + the 30 s clock skew is 130 s from now.
    advanceClock(120);
    expectStatus(await get(t, token), 200);
    advanceClock(20);
    expectStatus(await get(t, token), 401, "token expired");
  });

  it("refuses a token without iat", async () => {
    // The test signer always sets iat: sign this one by hand.
    const token = await new SignJWT({ sub: "no-iat" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(TEST_HS256_SECRET));
    expectStatus(await get(t, token), 401, "invalid token");
  });

  it("is off by default: a year-old token with a valid exp is accepted", async () => {
    const plain = await createTestApp();
    try {
      const token = await plain.token("ancient", { issuedAt: -365 * DAY, expiresIn: DAY });
      expectStatus(await get(plain, token), 200);
    } finally {
      await plain.close();
    }
  });
});

describe("while the key endpoint fails", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function unknownKidTokens(count: number, prefix: string) {
    return Promise.all(
      Array.from({ length: count }, async (_, i) =>
        (await t.jwks.unpublishedSigner(`${prefix}-${i}`))({ sub: "kid-user" }),
      ),
    );
  }

  it("verifies new tokens with the last good key set, refetches at most every 30 s, and 503s unknown kids", async () => {
    expectStatus(await get(t, await t.token("before-outage")), 200);
    t.jwks.failWith = 503;

    // The key set is now stale: the refetch fails, the last good set serves a new token.
    advanceClock(11 * 60);
    const fetches = t.jwks.fetches;
    expectStatus(await get(t, await t.token("during-outage-1")), 200);
    expect(t.jwks.fetches).toBe(fetches + 1);
    expectStatus(await get(t, await t.token("during-outage-2")), 200);

    // Unknown kids: nothing to tell a new key from a forged one, so 503, and no fetch within 30 s.
    for (const response of await Promise.all(
      (await unknownKidTokens(20, "a")).map((token) => get(t, token)),
    )) {
      expectKeysUnavailable(response);
    }
    expect(t.jwks.fetches).toBe(fetches + 1);

    advanceClock(31);
    for (const response of await Promise.all(
      (await unknownKidTokens(20, "b")).map((token) => get(t, token)),
    )) {
      expectKeysUnavailable(response);
    }
    expect(t.jwks.fetches).toBe(fetches + 2);

    // 24 hours after the last good fetch, its keys are no longer trusted.
    advanceClock(DAY);
    expectKeysUnavailable(await get(t, await t.token("a-day-later")));

    // The endpoint is back: verification resumes at the next attempt.
    t.jwks.failWith = null;
    advanceClock(31);
    expectStatus(await get(t, await t.token("after-outage")), 200);
  });

  it("answers 503 when the key set was never fetched, refetching at most every 30 s", async () => {
    const fresh = await createTestApp();
    try {
      fresh.jwks.failWith = 500;
      const tokens = await Promise.all(
        Array.from({ length: 10 }, (_, i) => fresh.token(`first-${i}`)),
      );
      for (const response of await Promise.all(tokens.map((token) => get(fresh, token)))) {
        expectKeysUnavailable(response);
      }
      for (const token of tokens) expectKeysUnavailable(await get(fresh, token));
      expect(fresh.jwks.fetches).toBe(1);
      fresh.jwks.failWith = null;
      advanceClock(31);
      expectStatus(await get(fresh, tokens[0] as string), 200);
      expect(fresh.jwks.fetches).toBe(2);
    } finally {
      await fresh.close();
    }
  });
});
