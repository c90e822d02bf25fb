import { ERROR_TYPES, ListTasksQuerySchema, TaskSchema } from "@tasklane/contract";
import fc from "fast-check";
import type { HTTPMethods, LightMyRequestResponse } from "fastify";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../test/app";

/**
 * Every route of the task API, under both families. `{id}` is a task id. Adding a route is
 * one line here.
 */
const ROUTES: { method: HTTPMethods; path: string }[] = [
  { method: "GET", path: "/tasks" },
  { method: "POST", path: "/tasks" },
  { method: "GET", path: "/tasks/{id}" },
  { method: "PUT", path: "/tasks/{id}" },
  { method: "PATCH", path: "/tasks/{id}" },
  { method: "PATCH", path: "/tasks/{id}/complete" },
  { method: "DELETE", path: "/tasks/{id}" },
  { method: "GET", path: "/tasks/{id}/history" },
  { method: "GET", path: "/stats" },
];
/** `{user}` is the path's user id: usually the caller's own, sometimes hostile. */
const FAMILIES = ["/api", "/api/{user}"];

const ALICE = "fuzz-alice";
const BOB = "fuzz-bob";
const BOB_TITLE = "bob-private-title";
const ERROR_TYPE_BY_STATUS: Record<number, (typeof ERROR_TYPES)[number]> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  413: "payload_too_large",
  422: "validation_error",
  429: "rate_limited",
};

const SQL_INJECTIONS = [
  "'; DROP TABLE task; --",
  "' OR 1=1 --",
  "' OR '1'='1",
  '" OR ""="',
  "1; DELETE FROM task WHERE 1=1",
  "') UNION SELECT id, user_id, title FROM task --",
  "\u2019; DROP TABLE \u201Ctask\u201D; --",
  "\uFF07 OR 1=1 --",
  "\\'; DROP TABLE task; --",
  "\\",
  "%' OR title LIKE '%",
  "_%\\_",
  "$1",
  "'||pg_sleep(5)||'",
  "E'\\x27'",
];

/** encodeURIComponent that takes lone surrogates too (as U+FFFD, which is what UTF-8 can carry). */
const percentEncode = (text: string) => encodeURIComponent(Buffer.from(text).toString());

const PROTOTYPE_KEYS = ["__proto__", "constructor", "prototype"];

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(...SQL_INJECTIONS),
  fc.constantFrom("\u0000", "a\u0000b", "\uD800", "\uFFFF", "\u202E", "\r\n", " ", "null"),
  fc.constantFrom(...PROTOTYPE_KEYS),
  fc.integer({ min: 150, max: 80_000 }).map((length) => "x".repeat(length)),
);

/** A value for a task field: right type or wrong, hostile strings, odd numbers. */
const fieldValue = fc.oneof(
  hostileString,
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(hostileString, { maxLength: 25 }),
  fc.constantFrom(true, false, null, 0, -1, 1e308, Number.MAX_SAFE_INTEGER),
  fc.constantFrom("pending", "in_progress", "completed", "high", "work", "2026-12-01"),
);

/** Every field of a task, writable or not (read-only ones must be refused). */
const TASK_FIELDS = Object.keys(TaskSchema.properties);

/** A body as sent on the wire: JSON text (sometimes broken), never parsed by the sender. */
const rawBody = fc.oneof(
  fc
    .dictionary(fc.oneof(fc.constantFrom(...TASK_FIELDS), hostileString), fieldValue, {
      maxKeys: 6,
    })
    .map((body) => JSON.stringify(body)),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  // Keys JSON.stringify cannot produce from an object literal.
  fc
    .tuple(fc.constantFrom(...PROTOTYPE_KEYS), fc.jsonValue({ maxDepth: 2 }))
    .map(([key, value]) => `{"title":"ok",${JSON.stringify(key)}:${JSON.stringify(value)}}`),
  fc
    .integer({ min: 1, max: 30_000 })
    .map((depth) => `{"title":${"[".repeat(depth)}${"]".repeat(depth)}}`),
  fc
    .integer({ min: 1, max: 30_000 })
    .map((depth) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`),
  fc.string({ maxLength: 60 }),
  fc.constantFrom("", " ", "{", "null", '{"title":"a"', "\uFEFF{}", '{"title":"x","title":"y"}'),
);

const contentType = fc.oneof(
  { weight: 4, arbitrary: fc.constant("application/json") },
  fc.constant(undefined),
  fc.constantFrom(
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "application/json; charset=utf-16",
    "application/json;;",
    "application/vnd.api+json",
    "application/json, text/plain",
    "text/plain",
    "text/html",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "*/*",
    "",
    "application/json\r\nX-Injected: 1",
  ),
);

const QUERY_NAMES = [...Object.keys(ListTasksQuerySchema.properties), "tz", "user_id", "__proto__"];
const queryValue = fc.oneof(
  hostileString.map(percentEncode),
  fc.constantFrom("%", "%zz", "%00", "%C0%AE", "%FF", "+", "&", "=", "%2526", "-1", "1e9", "[]"),
);
const queryString = fc
  .array(
    fc.tuple(fc.oneof(fc.constantFrom(...QUERY_NAMES), fc.string({ maxLength: 8 })), queryValue),
    {
      maxLength: 6,
    },
  )
  .map((pairs) =>
    pairs.length === 0
      ? ""
      : `?${pairs.map(([name, value]) => `${percentEncode(name)}=${value}`).join("&")}`,
  );

const headerValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom("a\r\nX-Injected: 1", "a\nb", "\u0000", "\u00ff\u00fe", "x".repeat(5000)),
);
const extraHeaders = fc.dictionary(
  fc.constantFrom(
    "x-request-id",
    "origin",
    "accept",
    "accept-encoding",
    "x-forwarded-for",
    "cookie",
    "if-match",
    "idempotency-key",
    "x-http-method-override",
    "user-agent",
  ),
  headerValue,
  { maxKeys: 3 },
);

let t: TestApp;
let db: pg.Pool;
let aliceToken: string;
/** Authorization values: mostly Alice's own, else broken, foreign or forged for Bob. */
let authorization: fc.Arbitrary<string | undefined>;
let aliceIds: string[] = [];
let bobIds: string[] = [];
let bobRows: unknown[] = [];

async function createTasks(user: string, titles: string[]) {
  const ids: string[] = [];
  for (const title of titles) {
    const response = await t.as(user, {
      method: "POST",
      url: "/api/tasks",
      payload: { title, description: `${title} description`, tags: [title] },
    });
    expect(response.statusCode, response.body).toBe(201);
    ids.push(response.json<{ id: string }>().id);
  }
  return ids;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

beforeAll(async () => {
  t = await createTestApp();
  db = new pg.Pool({ connectionString: t.databaseUrl, max: 2 });
  aliceToken = await t.token(ALICE);
  bobIds = await createTasks(BOB, [`${BOB_TITLE}-1`, `${BOB_TITLE}-2`]);
  ({ rows: bobRows } = await db.query("SELECT * FROM task WHERE user_id = $1 ORDER BY id", [BOB]));

  const exp = Math.floor(Date.now() / 1000) + 600;
  const [header, , signature] = aliceToken.split(".");
  const forgedForBob = [
    `${b64url({ alg: "none" })}.${b64url({ sub: BOB, exp })}.`,
    `${header}.${b64url({ sub: BOB, exp })}.${signature}`,
    await t.hs256({ sub: BOB }, "not-the-secret-not-the-secret-00"),
    await (await t.jwks.unpublishedSigner("key-1"))({ sub: BOB }),
    await t.token(BOB, { expiresIn: -3600 }),
  ];
  authorization = fc.oneof(
    { weight: 12, arbitrary: fc.constant(`Bearer ${aliceToken}`) },
    fc.constant(undefined),
    fc.constantFrom(...forgedForBob.map((token) => `Bearer ${token}`)),
    fc.constantFrom(
      "",
      "Bearer",
      "Bearer ",
      `Basic ${aliceToken}`,
      `Bearer ${aliceToken}x`,
      `Bearer ${aliceToken} ${aliceToken}`,
      `Bearer ${aliceToken}\r\nX-Injected: 1`,
      `Bearer ${"a".repeat(9000)}`,
    ),
    headerValue.map((value) => `Bearer ${value}`),
  );
});
afterAll(async () => {
  await db.end();
  await t.close();
});

/** Path ids: Alice's, Bob's, malformed, injected, encoded or not. */
const taskId = () =>
  fc.oneof(
    fc.constantFrom(...aliceIds, ...bobIds),
    fc.uuid().map(String),
    hostileString.map(percentEncode),
    fc.constantFrom("%zz", "..%2F..%2Fetc%2Fpasswd", "%00", "%2e%2e", "1%27%20OR%201%3D1"),
    fc.constantFrom(...bobIds).map((id) => id.toUpperCase()),
  );
const pathUser = () =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(ALICE) },
    fc.constant(BOB),
    hostileString.map(percentEncode),
  );

const hostileRequest = () =>
  fc.record({
    route: fc.constantFrom(...ROUTES),
    family: fc.constantFrom(...FAMILIES),
    user: pathUser(),
    id: taskId(),
    query: queryString,
    body: fc.option(rawBody, { nil: undefined }),
    contentType,
    authorization,
    headers: extraHeaders,
  });

type HostileRequest = ReturnType<typeof hostileRequest> extends fc.Arbitrary<infer R> ? R : never;

function send(request: HostileRequest) {
  const url = `${request.family}${request.route.path}`
    .replace("{user}", request.user)
    .replace("{id}", request.id);
  const headers: Record<string, string> = { ...request.headers };
  if (request.contentType !== undefined) headers["content-type"] = request.contentType;
  if (request.authorization !== undefined) headers.authorization = request.authorization;
  return t.app.inject({
    method: request.route.method,
    url: `${url}${request.query}`,
    headers,
    ...(request.body === undefined ? {} : { payload: request.body }),
  });
}

/** The contract's promises for any response, whatever was asked. */
function expectWellBehaved(response: LightMyRequestResponse) {
  expect(response.statusCode, response.body).toBeLessThan(500);
  for (const secret of [...bobIds, BOB_TITLE]) expect(response.body).not.toContain(secret);
  if (response.statusCode < 400) return;
  expect(response.headers["content-type"]).toMatch(/^application\/json/);
  const body = response.json<Record<string, unknown>>();
  expect(body).toMatchObject({
    detail: expect.any(String),
    status_code: response.statusCode,
    error_type: ERROR_TYPE_BY_STATUS[response.statusCode],
  });
  expect(ERROR_TYPES).toContain(body.error_type);
  const allowed = ["detail", "status_code", "error_type", "errors"];
  expect(Object.keys(body).filter((key) => !allowed.includes(key))).toEqual([]);
  if (body.errors !== undefined) {
    expect(body.errors).toEqual(
      expect.arrayContaining([{ field: expect.any(String), message: expect.any(String) }]),
    );
  }
}

/** The database is intact and every row keeps the task invariants; Bob's rows are untouched. */
async function expectConsistentDatabase() {
  const { rows: tables } = await db.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'",
  );
  expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(["task", "user"]));
  const { rows: bob } = await db.query("SELECT * FROM task WHERE user_id = $1 ORDER BY id", [BOB]);
  expect(bob).toEqual(bobRows);
  const { rows: broken } = await db.query(
    `SELECT id FROM task WHERE
       (status = 'completed') <> (completed_at IS NOT NULL)
       OR char_length(title) NOT BETWEEN 1 AND 200 OR title <> btrim(title)
       OR cardinality(tags) > 20 OR updated_at < created_at
       OR user_id NOT IN (SELECT id FROM "user")`,
  );
  expect(broken).toEqual([]);
  const { rows: users } = await db.query<{ id: string }>('SELECT id FROM "user" ORDER BY id');
  expect(users.map((user) => user.id)).toEqual([ALICE, BOB]);
}

describe("hostile requests at every route", () => {
  beforeAll(async () => {
    aliceIds = await createTasks(ALICE, ["alice-1", "alice-2", "alice-3"]);
  });

  it("never answer 5xx, always answer errors in the contract's shape, never show Bob's data", async () => {
    await fc.assert(
      fc.asyncProperty(hostileRequest(), async (request) => {
        expectWellBehaved(await send(request));
      }),
      { numRuns: 600 },
    );
    await expectConsistentDatabase();
  });

  it("never let Alice reach Bob's tasks by id, whatever the method, family or body", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES.filter((route) => route.path.includes("{id}"))),
        fc.constantFrom(...FAMILIES),
        fc.constantFrom(...bobIds),
        fc.option(rawBody, { nil: undefined }),
        async (route, family, id, body) => {
          const response = await send({
            route,
            family,
            user: ALICE,
            id,
            query: "",
            body,
            contentType: "application/json",
            authorization: `Bearer ${aliceToken}`,
            headers: {},
          });
          expectWellBehaved(response);
          // Malformed bodies may be refused before the lookup; a lookup always says 404.
          expect([400, 404, 413, 422]).toContain(response.statusCode);
        },
      ),
      { numRuns: 150 },
    );
    await expectConsistentDatabase();
  });
});

describe("SQL injection", () => {
  const injection = fc.oneof(
    fc.constantFrom(...SQL_INJECTIONS),
    fc
      .tuple(fc.constantFrom(...SQL_INJECTIONS), fc.string({ maxLength: 10 }))
      .map(([sql, suffix]) => `${sql}${suffix}`),
  );

  it("stores injected text verbatim in title, description and tags, finds it with q, runs none of it", async () => {
    const { rows: before } = await db.query<{ count: number }>(
      "SELECT count(*)::int AS count FROM task",
    );
    let created = 0;
    await fc.assert(
      fc.asyncProperty(injection, async (text) => {
        const title = `${text} ${created}`;
        const response = await t.as(ALICE, {
          method: "POST",
          url: "/api/tasks",
          payload: { title, description: text, tags: [text.slice(0, 50)] },
        });
        expectWellBehaved(response);
        if (response.statusCode === 422) return;
        expect(response.statusCode, response.body).toBe(201);
        created++;
        const task = response.json<{ id: string; title: string; description: string }>();
        expect(task.title).toBe(title.trim());
        expect(task.description).toBe(text);

        const found = await t.as(ALICE, {
          method: "GET",
          url: `/api/tasks?limit=100&q=${percentEncode(title.trim())}`,
        });
        expect(found.statusCode, found.body).toBe(200);
        expect(found.json<{ id: string }[]>().map((row) => row.id)).toContain(task.id);
        const tagged = await t.as(ALICE, {
          method: "GET",
          url: `/api/tasks?limit=100&tag=${percentEncode(text.slice(0, 50))}`,
        });
        expectWellBehaved(tagged);
        if (tagged.statusCode === 200) {
          expect(tagged.json<{ id: string }[]>().map((row) => row.id)).toContain(task.id);
        }
      }),
      { numRuns: 60 },
    );
    const { rows: after } = await db.query<{ count: number }>(
      "SELECT count(*)::int AS count FROM task",
    );
    expect(after[0]?.count).toBe((before[0]?.count ?? 0) + created);
    await expectConsistentDatabase();
  });

  it("treats injected q, tag and sort values as data: Bob's tasks never appear", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("q", "tag", "sort", "order", "status", "priority", "tz"),
        injection,
        async (name, value) => {
          const path = name === "tz" ? "/api/stats" : "/api/tasks";
          const response = await t.as(ALICE, {
            method: "GET",
            url: `${path}?${name}=${percentEncode(value)}`,
          });
          expectWellBehaved(response);
          expect([200, 422]).toContain(response.statusCode);
        },
      ),
      { numRuns: 100 },
    );
    await expectConsistentDatabase();
  });
});
