import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, TEST_HS256_SECRET, type TestApp } from "../test/app";

const REASONS = ["missing token", "token expired", "invalid token"] as const;
type Reason = (typeof REASONS)[number];

/** A 401 in the contract's shape, with a challenge and nothing but the short reason. */
function expectUnauthorized(response: LightMyRequestResponse, reason?: Reason) {
  expect(response.statusCode, response.body).toBe(401);
  expect(response.headers["www-authenticate"]).toMatch(/^Bearer(\s|$)/);
  const body = response.json<{ detail: string }>();
  expect(body).toEqual({
    detail: expect.any(String),
    status_code: 401,
    error_type: "unauthorized",
  });
  if (reason) expect(body.detail).toBe(reason);
  else expect(REASONS).toContain(body.detail);
}

const b64url = (value: unknown) =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);

/** A JWT assembled by hand: any header, any payload, any signature. */
function rawJwt(header: object, payload: object, signature = ""): string {
  return `${b64url(header)}.${b64url(payload)}.${signature}`;
}

function hs256WithKey(claims: Record<string, unknown>, key: Uint8Array, kid?: string) {
  return new SignJWT(claims)
    .setProtectedHeader(kid ? { alg: "HS256", kid } : { alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime(now() + 600)
    .sign(key);
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const getTasks = (headers: Record<string, string> = {}) =>
  t.app.inject({ method: "GET", url: "/api/tasks", headers });

describe("requests without a usable bearer token", () => {
  it("answers no Authorization header with 401 'missing token'", async () => {
    expectUnauthorized(await getTasks(), "missing token");
  });

  it.each([
    ["Basic", "Basic dXNlcjpwYXNzd29yZA=="],
    ["Token", "Token abc.def.ghi"],
    ["empty Bearer", "Bearer "],
    ["bare Bearer", "Bearer"],
    ["Bearer with only spaces", "Bearer    "],
    ["an empty header", ""],
  ])("answers a %s Authorization header with a 401", async (_name, header) => {
    const response = await getTasks({ authorization: header });
    expectUnauthorized(response);
    expect(["missing token", "invalid token"]).toContain(response.json().detail);
  });

  it("refuses a valid token sent under another scheme", async () => {
    const token = await t.token("scheme-user");
    expectUnauthorized(await getTasks({ authorization: `Basic ${token}` }));
    expectUnauthorized(await getTasks({ authorization: `Token ${token}` }));
  });

  it("accepts the Bearer scheme case-insensitively", async () => {
    const token = await t.token("scheme-user");
    expect((await getTasks({ authorization: `bearer ${token}` })).statusCode).toBe(200);
    expect((await getTasks({ authorization: `BEARER ${token}` })).statusCode).toBe(200);
  });

  it.each([
    ["a single word", "abc"],
    ["two segments", "abc.def"],
    ["three garbage segments", "abc.def.ghi"],
    ["four segments", "a.b.c.d"],
    ["a header that is not JSON", `${b64url("not json")}.${b64url({ sub: "x" })}.sig`],
    ["a payload that is not JSON", `${b64url({ alg: "EdDSA", kid: "key-1" })}.${b64url("{")}.sig`],
    ["a header without alg", rawJwt({ typ: "JWT" }, { sub: "x", exp: now() + 600 }, "c2ln")],
    [
      "an unsupported alg",
      rawJwt({ alg: "XX999", kid: "key-1" }, { sub: "x", exp: now() + 600 }, "c2ln"),
    ],
  ])("answers a malformed token (%s) with 401 'invalid token'", async (_name, token) => {
    expectUnauthorized(await getTasks(bearer(token)), "invalid token");
  });
});

describe("token validity", () => {
  it("accepts a fresh EdDSA token from the JWKS", async () => {
    const response = await getTasks(bearer(await t.token("valid-user")));
    expect(response.statusCode).toBe(200);
  });

  it("accepts an HS256 token signed with JWT_SECRET", async () => {
    const response = await getTasks(bearer(await t.hs256({ sub: "hs-user" })));
    expect(response.statusCode).toBe(200);
  });

  it("answers a token expired beyond the 30 s clock skew with 401 'token expired'", async () => {
    for (const expiresIn of [-60, -3600, -86_400]) {
      const token = await t.token("late-user", { expiresIn });
      expectUnauthorized(await getTasks(bearer(token)), "token expired");
    }
    const hs = await t.hs256({ sub: "late-user", expiresIn: -60 });
    expectUnauthorized(await getTasks(bearer(hs)), "token expired");
  });

  it("still accepts a token that expired 10 s ago (within the clock skew)", async () => {
    const token = await t.token("skew-user", { expiresIn: -10 });
    expect((await getTasks(bearer(token))).statusCode).toBe(200);
  });

  it("stops accepting a token at its exp plus the skew even after it verified", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const token = await t.token("remembered-user", { expiresIn: 60 });
      expect((await getTasks(bearer(token))).statusCode).toBe(200);
      vi.setSystemTime(Date.now() + 85_000);
      expect((await getTasks(bearer(token))).statusCode).toBe(200);
      vi.setSystemTime(Date.now() + 10_000);
      expectUnauthorized(await getTasks(bearer(token)), "token expired");
    } finally {
      vi.useRealTimers();
    }
  });

  it("answers a token whose nbf is in the future with 401 'invalid token'", async () => {
    const token = await t.token("early-user", { notBefore: 300 });
    expectUnauthorized(await getTasks(bearer(token)), "invalid token");
    const hs = await t.hs256({ sub: "early-user", notBefore: 300 });
    expectUnauthorized(await getTasks(bearer(hs)), "invalid token");
  });

  it("accepts a token whose nbf has passed", async () => {
    const token = await t.token("nbf-user", { notBefore: -60 });
    expect((await getTasks(bearer(token))).statusCode).toBe(200);
  });

  it("answers a token without exp with 401 'invalid token'", async () => {
    expectUnauthorized(
      await getTasks(bearer(await t.token("forever-user", { expiresIn: null }))),
      "invalid token",
    );
    expectUnauthorized(
      await getTasks(bearer(await t.hs256({ sub: "forever-user", expiresIn: null }))),
      "invalid token",
    );
  });

  it("answers a token without sub, or with an empty one, with 401 'invalid token'", async () => {
    expectUnauthorized(await getTasks(bearer(await t.jwks.sign({}))), "invalid token");
    expectUnauthorized(await getTasks(bearer(await t.hs256({}))), "invalid token");
    expectUnauthorized(await getTasks(bearer(await t.jwks.sign({ sub: "" }))), "invalid token");
  });

  it("answers a token signed by another key under a published kid with 401 'invalid token'", async () => {
    const forge = await t.jwks.unpublishedSigner("key-1");
    expectUnauthorized(await getTasks(bearer(await forge({ sub: "victim" }))), "invalid token");
  });

  it("answers a token whose payload was altered after signing with 401 'invalid token'", async () => {
    const [header, , signature] = (await t.token("mallory")).split(".");
    const forged = `${header}.${b64url({ sub: "victim", exp: now() + 600 })}.${signature}`;
    expectUnauthorized(await getTasks(bearer(forged)), "invalid token");
  });

  it("answers an HS256 token signed with another secret with 401 'invalid token'", async () => {
    const token = await t.hs256({ sub: "hs-user" }, "some-other-secret-0123456789abcdef");
    expectUnauthorized(await getTasks(bearer(token)), "invalid token");
  });

  it("answers an unsecured token (alg: none) with 401 'invalid token'", async () => {
    const payload = { sub: "none-user", exp: now() + 600, iat: now() };
    for (const header of [
      { alg: "none" },
      { alg: "none", typ: "JWT" },
      { alg: "none", kid: "key-1" },
      { alg: "None" },
      { alg: "NONE" },
    ]) {
      expectUnauthorized(await getTasks(bearer(rawJwt(header, payload))), "invalid token");
    }
  });

  it("answers an HS256 token signed with the JWKS public key as secret (alg confusion) with 401", async () => {
    const jwk = t.jwks.publicJwk("key-1");
    const candidates = [
      new TextEncoder().encode(JSON.stringify(jwk)),
      new TextEncoder().encode(JSON.stringify({ keys: [jwk] })),
      new TextEncoder().encode(String(jwk.x)),
      Buffer.from(String(jwk.x), "base64url"),
    ];
    for (const key of candidates) {
      for (const kid of [undefined, "key-1"]) {
        const token = await hs256WithKey({ sub: "confused-user" }, key, kid);
        expectUnauthorized(await getTasks(bearer(token)), "invalid token");
      }
    }
  });

  it("answers a token with a kid the JWKS does not publish with 401 'invalid token'", async () => {
    const ghost = await t.jwks.unpublishedSigner("ghost-kid");
    expectUnauthorized(await getTasks(bearer(await ghost({ sub: "ghost-user" }))), "invalid token");
  });

  it("answers an oversized token with 401 'invalid token'", async () => {
    expectUnauthorized(await getTasks(bearer("a".repeat(20_000))), "invalid token");
    // Properly signed, but padded far beyond any real token.
    const padded = await t.token("padded-user", { padding: "x".repeat(16_384) });
    expectUnauthorized(await getTasks(bearer(padded)), "invalid token");
  });

  it("gives every failure one of the three short reasons and nothing more", async () => {
    const failures = [
      await getTasks(),
      await getTasks(bearer("abc.def.ghi")),
      await getTasks(bearer(await t.token("u", { expiresIn: -120 }))),
      await getTasks(bearer(await t.token("u", { notBefore: 300 }))),
      await getTasks(bearer(await t.jwks.sign({}))),
      await getTasks(bearer(rawJwt({ alg: "none" }, { sub: "u", exp: now() + 60 }))),
    ];
    for (const response of failures) {
      expectUnauthorized(response);
      expect(Object.keys(response.json()).sort()).toEqual(["detail", "error_type", "status_code"]);
    }
  });
});

describe("HS256 without JWT_SECRET", () => {
  let noSecret: TestApp;
  beforeAll(async () => {
    noSecret = await createTestApp({ env: { JWT_SECRET: "" } });
  });
  afterAll(() => noSecret.close());

  const get = (token: string) =>
    noSecret.app.inject({ method: "GET", url: "/api/tasks", headers: bearer(token) });

  it("refuses HS256 tokens, even ones signed with the usual test secret", async () => {
    expectUnauthorized(await get(await noSecret.hs256({ sub: "hs-user" })), "invalid token");
    expectUnauthorized(
      await get(await noSecret.hs256({ sub: "hs-user" }, "any-secret-at-all-0123456789")),
      "invalid token",
    );
  });

  it("refuses HS256 signed with the JWKS public key as secret", async () => {
    const jwk = noSecret.jwks.publicJwk("key-1");
    for (const key of [
      new TextEncoder().encode(JSON.stringify(jwk)),
      Buffer.from(String(jwk.x), "base64url"),
    ]) {
      expectUnauthorized(
        await get(await hs256WithKey({ sub: "x" }, key, "key-1")),
        "invalid token",
      );
    }
  });

  it("still accepts EdDSA tokens from the JWKS", async () => {
    expect((await get(await noSecret.token("eddsa-user"))).statusCode).toBe(200);
  });
});

describe("issuer and audience", () => {
  describe("with JWT_ISSUER and JWT_AUDIENCE set", () => {
    const ISSUER = "https://issuer.tasklane.test";
    const AUDIENCE = "tasklane-api";
    let strict: TestApp;
    beforeAll(async () => {
      strict = await createTestApp({ env: { JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE } });
    });
    afterAll(() => strict.close());

    const get = (token: string) =>
      strict.app.inject({ method: "GET", url: "/api/tasks", headers: bearer(token) });

    it("accepts a token with the right iss and aud, EdDSA and HS256", async () => {
      const claims = { iss: ISSUER, aud: AUDIENCE };
      expect((await get(await strict.token("iss-user", claims))).statusCode).toBe(200);
      expect((await get(await strict.hs256({ sub: "iss-user", ...claims }))).statusCode).toBe(200);
    });

    it.each([
      ["a wrong issuer", { iss: "https://evil.test", aud: AUDIENCE }],
      ["a wrong audience", { iss: ISSUER, aud: "another-api" }],
      ["no issuer", { aud: AUDIENCE }],
      ["no audience", { iss: ISSUER }],
      ["neither", {}],
    ])("answers a token with %s with 401 'invalid token'", async (_name, claims) => {
      expectUnauthorized(await get(await strict.token("iss-user", claims)), "invalid token");
      expectUnauthorized(
        await get(await strict.hs256({ sub: "iss-user", ...claims })),
        "invalid token",
      );
    });
  });

  describe("with BETTER_AUTH_URL set and no JWT_ISSUER / JWT_AUDIENCE", () => {
    const BETTER_AUTH_URL = "http://auth.tasklane.test:3000";
    let betterAuth: TestApp;
    beforeAll(async () => {
      betterAuth = await createTestApp({ env: { BETTER_AUTH_URL } });
    });
    afterAll(() => betterAuth.close());

    const get = (token: string) =>
      betterAuth.app.inject({ method: "GET", url: "/api/tasks", headers: bearer(token) });

    it("accepts EdDSA and HS256 tokens whose iss and aud are BETTER_AUTH_URL", async () => {
      const claims = { iss: BETTER_AUTH_URL, aud: BETTER_AUTH_URL };
      expect((await get(await betterAuth.token("ba-user", claims))).statusCode).toBe(200);
      expect((await get(await betterAuth.hs256({ sub: "ba-user", ...claims }))).statusCode).toBe(
        200,
      );
    });

    it.each([
      ["no iss or aud", {}],
      ["another issuer", { iss: "http://evil.test", aud: BETTER_AUTH_URL }],
      ["another audience", { iss: BETTER_AUTH_URL, aud: "http://evil.test" }],
      ["no audience", { iss: BETTER_AUTH_URL }],
      ["no issuer", { aud: BETTER_AUTH_URL }],
    ])("refuses EdDSA tokens with %s, and takes HS256 ones (spec §14)", async (_name, claims) => {
      expectUnauthorized(await get(await betterAuth.token("ba-user", claims)), "invalid token");
      // The BETTER_AUTH_URL default is Better Auth's own (JWKS) tokens' issuer and audience; the
      // shared-secret issuers of the original plans send neither claim.
      expect((await get(await betterAuth.hs256({ sub: "ba-user", ...claims }))).statusCode).toBe(
        200,
      );
    });
  });
});

describe("JWKS caching and key rotation", () => {
  const realDateNow = Date.now.bind(Date);
  let rotating: TestApp;
  let offset = 0;
  beforeAll(async () => {
    rotating = await createTestApp();
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await rotating.close();
  });

  /** Moves the clock forward: Date.now only, which the JWKS cooldown reads. */
  function advanceClock(seconds: number) {
    offset += seconds * 1000;
    const shift = offset;
    vi.restoreAllMocks();
    vi.spyOn(Date, "now").mockImplementation(() => realDateNow() + shift);
  }

  const get = (token: string) =>
    rotating.app.inject({ method: "GET", url: "/api/tasks", headers: bearer(token) });

  async function unknownKids(count: number, prefix: string) {
    const tokens = await Promise.all(
      Array.from({ length: count }, async (_, i) =>
        (await rotating.jwks.unpublishedSigner(`${prefix}-${i}`))({ sub: "kid-user" }),
      ),
    );
    return Promise.all(tokens.map(get));
  }

  it("fetches the JWKS once and then serves known kids from the cache", async () => {
    for (let i = 0; i < 5; i++) {
      expect((await get(await rotating.token(`cached-${i}`))).statusCode).toBe(200);
    }
    expect(rotating.jwks.fetches).toBe(1);
  });

  it("refetches at most once per 30 s however many unknown kids arrive", async () => {
    const before = rotating.jwks.fetches;
    for (const response of await unknownKids(25, "burst"))
      expectUnauthorized(response, "invalid token");
    // The last fetch was less than 30 s ago: no refetch at all.
    expect(rotating.jwks.fetches).toBe(before);

    advanceClock(31);
    for (const response of await unknownKids(25, "later"))
      expectUnauthorized(response, "invalid token");
    for (const response of await unknownKids(5, "again"))
      expectUnauthorized(response, "invalid token");
    expect(rotating.jwks.fetches).toBe(before + 1);
  });

  it("picks up a newly published key by refetching on its unknown kid", async () => {
    await rotating.jwks.addKey("key-2");
    const token = await rotating.jwks.sign({ sub: "rotated-user" }, "key-2");
    const before = rotating.jwks.fetches;

    advanceClock(31);
    expect((await get(token)).statusCode).toBe(200);
    expect(rotating.jwks.fetches).toBe(before + 1);
    // Both keys are now cached: no further fetches for either.
    expect((await get(await rotating.token("old-key-user"))).statusCode).toBe(200);
    expect((await get(token)).statusCode).toBe(200);
    expect(rotating.jwks.fetches).toBe(before + 1);
  });
});

describe("auto-provisioning of the user row", () => {
  let db: pg.Pool;
  beforeAll(() => {
    db = new pg.Pool({ connectionString: t.databaseUrl, max: 2 });
  });
  afterAll(() => db.end());

  async function userRows(...ids: string[]) {
    const { rows } = await db.query<{ id: string; name: string; email: string }>(
      'SELECT id, name, email FROM "user" WHERE id = ANY($1) ORDER BY id',
      [ids],
    );
    return rows;
  }

  const firstRequest = async (sub: string, claims: Record<string, unknown> = {}) => {
    const response = await t.app.inject({
      method: "POST",
      url: "/api/tasks",
      payload: { title: "first" },
      headers: bearer(await t.token(sub, claims)),
    });
    expect(response.statusCode, response.body).toBe(201);
  };

  it("writes no user row for reads", async () => {
    expect((await getTasks(bearer(await t.token("prov-reader")))).statusCode).toBe(200);
    expect(await userRows("prov-reader")).toEqual([]);
  });

  it("creates the user row from the token's email and name on the first task", async () => {
    expect(await userRows("prov-full")).toEqual([]);
    await firstRequest("prov-full", { email: "ada@example.com", name: "Ada Lovelace" });
    expect(await userRows("prov-full")).toEqual([
      { id: "prov-full", name: "Ada Lovelace", email: "ada@example.com" },
    ]);
  });

  it("uses placeholders when the token has neither email nor name", async () => {
    await firstRequest("prov-bare-1");
    await firstRequest("prov-bare-2");
    const rows = await userRows("prov-bare-1", "prov-bare-2");
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.name.trim()).not.toBe("");
      expect(row.email.trim()).not.toBe("");
    }
    expect(rows[0]?.email).not.toBe(rows[1]?.email);
  });

  it("uses a placeholder name when the token has an email but no name", async () => {
    await firstRequest("prov-email-only", { email: "grace@example.com" });
    const [row] = await userRows("prov-email-only");
    expect(row?.email).toBe("grace@example.com");
    expect(row?.name.trim()).not.toBe("");
  });

  it("still provisions a user whose email another user already has", async () => {
    await firstRequest("prov-owner", { email: "shared@example.com", name: "Owner" });
    await firstRequest("prov-latecomer", { email: "shared@example.com", name: "Latecomer" });
    const [latecomer, owner] = await userRows("prov-latecomer", "prov-owner");
    expect(owner).toEqual({ id: "prov-owner", name: "Owner", email: "shared@example.com" });
    expect(latecomer?.id).toBe("prov-latecomer");
    expect(latecomer?.email).not.toBe("shared@example.com");
    expect(latecomer?.email.trim()).not.toBe("");
    // And the latecomer can work: the task's foreign key holds.
    const created = await t.as("prov-latecomer", {
      method: "POST",
      url: "/api/tasks",
      payload: { title: "mine" },
    });
    expect(created.statusCode).toBe(201);
  });

  it("provisions HS256 users too", async () => {
    const token = await t.hs256({ sub: "prov-hs", email: "hs@example.com", name: "HS" });
    const created = await t.app.inject({
      method: "POST",
      url: "/api/tasks",
      payload: { title: "first" },
      headers: bearer(token),
    });
    expect(created.statusCode).toBe(201);
    expect(await userRows("prov-hs")).toEqual([
      { id: "prov-hs", name: "HS", email: "hs@example.com" },
    ]);
  });

  it("lets 20 concurrent first requests of one new user all succeed, with one row", async () => {
    const token = await t.token("prov-burst", { email: "burst@example.com", name: "Burst" });
    const requests: InjectOptions[] = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? { method: "GET", url: "/api/tasks" }
        : { method: "POST", url: "/api/tasks", payload: { title: `task ${i}` } },
    );
    const responses = await Promise.all(
      requests.map((request) => t.app.inject({ ...request, headers: bearer(token) })),
    );
    expect(responses.map((response) => response.statusCode)).toEqual(
      requests.map((request) => (request.method === "POST" ? 201 : 200)),
    );
    expect(await userRows("prov-burst")).toEqual([
      { id: "prov-burst", name: "Burst", email: "burst@example.com" },
    ]);
  });

  it("lets 20 concurrent first requests of a new user without claims all succeed", async () => {
    const token = await t.token("prov-burst-bare");
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.app.inject({
          method: "POST",
          url: "/api/tasks",
          payload: { title: `task ${i}` },
          headers: bearer(token),
        }),
      ),
    );
    expect(responses.every((response) => response.statusCode === 201)).toBe(true);
    expect(await userRows("prov-burst-bare")).toHaveLength(1);
  });

  it("does not provision anything for a refused token", async () => {
    const token = await t.token("prov-refused", { expiresIn: -3600 });
    const refused = await t.app.inject({
      method: "POST",
      url: "/api/tasks",
      payload: { title: "never" },
      headers: bearer(token),
    });
    expectUnauthorized(refused, "token expired");
    expect(await userRows("prov-refused")).toEqual([]);
  });
});

describe("401 comes before 403 (and everything else)", () => {
  const TASK = "01932e4a-0000-7000-8000-000000000000";
  const routes = [
    ["GET", "/api/OWNER/tasks"],
    ["POST", "/api/OWNER/tasks"],
    ["GET", `/api/OWNER/tasks/${TASK}`],
    ["PUT", `/api/OWNER/tasks/${TASK}`],
    ["PATCH", `/api/OWNER/tasks/${TASK}`],
    ["PATCH", `/api/OWNER/tasks/${TASK}/complete`],
    ["DELETE", `/api/OWNER/tasks/${TASK}`],
    ["GET", "/api/OWNER/stats"],
  ] as const;

  const withBody = (method: string) =>
    method === "POST" || method === "PUT" || method === "PATCH"
      ? { payload: "{not json", headers: { "content-type": "application/json" } }
      : {};

  it.each(routes)("%s %s on a foreign path: 401 without a token", async (method, path) => {
    const request = withBody(method);
    const response = await t.app.inject({
      method,
      url: path.replace("OWNER", "someone-else"),
      ...request,
    });
    expectUnauthorized(response, "missing token");
  });

  it.each(routes)(
    "%s %s on a foreign path: 401 with a bad or expired token",
    async (method, path) => {
      const { headers = {}, ...rest } = withBody(method) as {
        headers?: Record<string, string>;
        payload?: string;
      };
      for (const token of [
        "not.a.token",
        await t.token("intruder", { expiresIn: -3600 }),
        await t.hs256({ sub: "intruder" }, "wrong-secret-wrong-secret-wrong"),
      ]) {
        const response = await t.app.inject({
          method,
          url: path.replace("OWNER", "someone-else"),
          ...rest,
          headers: { ...headers, ...bearer(token) },
        });
        expectUnauthorized(response);
      }
    },
  );

  it.each(routes)("%s %s on a foreign path: 403 with a valid token", async (method, path) => {
    const { headers = {}, ...rest } = withBody(method) as {
      headers?: Record<string, string>;
      payload?: string;
    };
    const response = await t.as("intruder", {
      method,
      url: path.replace("OWNER", "someone-else"),
      ...rest,
      headers,
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({
      detail: expect.any(String),
      status_code: 403,
      error_type: "forbidden",
    });
  });

  it.each(routes.map(([method, path]) => [method, path.replace("/OWNER", "")] as const))(
    "%s %s: 401 without a token, whatever the body or id",
    async (method, path) => {
      const response = await t.app.inject({ method, url: path, ...withBody(method) });
      expectUnauthorized(response, "missing token");
    },
  );

  it("answers an unauthenticated request on the caller's own path with 401 too", async () => {
    const response = await t.app.inject({ method: "GET", url: "/api/intruder/tasks" });
    expectUnauthorized(response, "missing token");
  });
});

describe("secrets in responses", () => {
  it("never echoes the token or the secret in a 401", async () => {
    const token = await t.hs256({ sub: "leak", expiresIn: -3600 });
    const response = await getTasks(bearer(token));
    expectUnauthorized(response, "token expired");
    expect(response.body).not.toContain(token);
    expect(response.body).not.toContain(TEST_HS256_SECRET);
  });
});

describe("hostile token headers", () => {
  let hostile: TestApp;
  /** A server an attacker controls: tokens point jku/x5u at it; it must never be asked. */
  let attacker: Server;
  let attackerRequests = 0;
  let attackerUrl: string;
  beforeAll(async () => {
    hostile = await createTestApp();
    attacker = createServer((_request, response) => {
      attackerRequests++;
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ keys: [] }));
    });
    await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
    // The one expected fetch, so the cooldown is running for everything below.
    expect((await get(await hostile.token("kid-warmup"))).statusCode).toBe(200);
    expect(hostile.jwks.fetches).toBe(1);
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => attacker.close(() => resolve()));
    await hostile.close();
  });

  const get = (token: string) =>
    hostile.app.inject({ method: "GET", url: "/api/tasks", headers: bearer(token) });

  /**
   * An EdDSA token signed by a key the JWKS does not publish, under any protected header;
   * `jwk: true` embeds that key's public JWK.
   */
  async function signedByAttacker(header: Record<string, unknown>, sub = "kid-victim") {
    const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    const jwk = await exportJWK(publicKey);
    const token = await new SignJWT({ sub })
      .setProtectedHeader({ alg: "EdDSA", ...header, ...(header.jwk ? { jwk } : {}) })
      .setIssuedAt()
      .setExpirationTime(now() + 600)
      .sign(privateKey);
    return token;
  }

  it.each([
    ["path traversal", "../../../../etc/passwd"],
    ["an encoded path traversal", "..%2F..%2Fkey-1"],
    ["a URL", "http://127.0.0.1:1/jwks.json"],
    ["SQL", "key-1' OR '1'='1"],
    ["a NUL byte", "key-1\u0000"],
    ["CR/LF", "key-1\r\nX-Injected: 1"],
    ["a huge string", "k".repeat(6000)],
    ["unicode", "ключ-1\u202E"],
  ])("answers a kid with %s with 401 and no JWKS fetch", async (_name, kid) => {
    expectUnauthorized(await get(await signedByAttacker({ kid })), "invalid token");
    expect(hostile.jwks.fetches).toBe(1);
  });

  it.each([
    ["a number", 1],
    ["an object", { $ne: null }],
    ["an array", ["key-1"]],
    ["null", null],
    ["true", true],
  ])("answers a kid that is %s with 401 and no JWKS fetch", async (_name, kid) => {
    const token = rawJwt({ alg: "EdDSA", kid }, { sub: "kid-victim", exp: now() + 600 }, "c2ln");
    expectUnauthorized(await get(token), "invalid token");
    expect(hostile.jwks.fetches).toBe(1);
  });

  it.each([
    ["jku", (url: string) => ({ jku: `${url}/jwks.json`, kid: "attacker-kid" })],
    ["x5u", (url: string) => ({ x5u: `${url}/cert.pem`, kid: "attacker-kid" })],
    ["jku under the published kid", (url: string) => ({ jku: `${url}/jwks.json`, kid: "key-1" })],
    ["an embedded jwk", () => ({ jwk: true, kid: "key-1" })],
    ["an embedded jwk without kid", () => ({ jwk: true })],
  ])("ignores %s: 401, nothing fetched from the attacker's URL", async (_name, header) => {
    const token = await signedByAttacker(header(attackerUrl));
    expectUnauthorized(await get(token), "invalid token");
    expect(attackerRequests).toBe(0);
    expect(hostile.jwks.fetches).toBe(1);
    expect(new Set(hostile.jwks.fetchedUrls)).toEqual(new Set(["/api/auth/jwks"]));
  });

  it("survives a burst of random unknown kids: one refetch at most, valid tokens all served", async () => {
    const valid = await Promise.all(
      Array.from({ length: 40 }, (_, i) => hostile.token(`flood-ok-${i}`)),
    );
    const flood = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        signedByAttacker({ kid: `flood-${i}-${Math.random().toString(36).slice(2)}` }),
      ),
    );
    // Interleaved, all in flight at once.
    const requests = flood.map((token) => ({ token, valid: false }));
    for (const [i, token] of valid.entries()) requests.splice(i * 6, 0, { token, valid: true });
    const responses = await Promise.all(requests.map(({ token }) => get(token)));

    const statusesOf = (wanted: boolean) =>
      responses.filter((_, i) => requests[i]?.valid === wanted).map((r) => r.statusCode);
    expect(statusesOf(true)).toEqual(valid.map(() => 200));
    expect(new Set(statusesOf(false))).toEqual(new Set([401]));
    expect(hostile.jwks.fetches).toBeLessThanOrEqual(2);
    expect(attackerRequests).toBe(0);
  });
});
