import { ERROR_TYPES } from "@tasklane/contract";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, TEST_HS256_SECRET, type TestApp } from "./test/app";
import { inlineSchemaRefs } from "./test/openapi";

const ALLOWED_ORIGINS = ["http://localhost:3000", "http://127.0.0.1:3000"];
const MISSING_TASK = "01932e4a-0000-7000-8000-000000000000";

function expectError(response: LightMyRequestResponse, status: number, errorType: string) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers["content-type"]).toMatch(/^application\/json/);
  expect(response.json()).toMatchObject({
    detail: expect.any(String),
    status_code: status,
    error_type: errorType,
  });
}

/** A header's comma list, lower-cased, for order- and case-insensitive checks. */
const listOf = (value: string | string[] | number | undefined) =>
  String(value ?? "")
    .split(",")
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe("routing", () => {
  it.each([
    ["GET", "/nope"],
    ["GET", "/api"],
    ["POST", "/nope/deeper"],
    ["GET", "/api/tasks/extra/segments/here"],
  ] as const)("answers %s %s with 404 in the error shape", async (method, url) => {
    const response = await t.as("router", { method, url });
    expectError(response, 404, "not_found");
    expect(Object.keys(response.json()).sort()).toEqual(["detail", "error_type", "status_code"]);
  });

  it.each([
    ["DELETE", "/api/tasks"],
    ["PUT", "/api/tasks"],
    ["POST", `/api/tasks/${MISSING_TASK}`],
    ["GET", `/api/tasks/${MISSING_TASK}/complete`],
    ["PUT", `/api/tasks/${MISSING_TASK}/complete`],
    ["POST", "/api/stats"],
    ["DELETE", "/api/router/tasks"],
    ["POST", "/health"],
    ["DELETE", "/health"],
  ] as const)(
    "answers the unknown method %s on the known path %s with 404",
    async (method, url) => {
      expectError(await t.as("router", { method, url }), 404, "not_found");
    },
  );

  it("answers an undecodable URL with 404 in the error shape", async () => {
    expectError(await t.as("router", { method: "GET", url: "/api/tasks/%zz" }), 404, "not_found");
  });

  it("answers an OPTIONS request that is not a CORS preflight with an empty 204", async () => {
    for (const headers of [{}, { origin: ALLOWED_ORIGINS[0] as string }]) {
      const response = await t.app.inject({ method: "OPTIONS", url: "/api/tasks", headers });
      expect(response.statusCode, response.body).toBe(204);
      expect(response.body).toBe("");
    }
  });
});

describe("X-Request-Id", () => {
  it("echoes a sane X-Request-Id", async () => {
    for (const id of ["abc-123", "req.2026-11-23:42_x", "x".repeat(128)]) {
      const response = await t.app.inject({
        method: "GET",
        url: "/health",
        headers: { "x-request-id": id },
      });
      expect(response.headers["x-request-id"]).toBe(id);
    }
  });

  it("generates a fresh one when none is sent", async () => {
    const first = await t.app.inject({ method: "GET", url: "/health" });
    const second = await t.app.inject({ method: "GET", url: "/health" });
    expect(first.headers["x-request-id"]).toMatch(/^[\w.:-]{8,128}$/);
    expect(second.headers["x-request-id"]).toMatch(/^[\w.:-]{8,128}$/);
    expect(first.headers["x-request-id"]).not.toBe(second.headers["x-request-id"]);
  });

  it.each([
    ["too long", "x".repeat(129)],
    ["very long", "y".repeat(10_000)],
    ["with spaces", "bad id"],
    ["with markup", "<script>alert(1)</script>"],
    ["with a slash", "a/b"],
    ["with quotes", '"quoted"'],
    ["non-ASCII", "ünïcödé"],
    ["log-forging", "id\\u000aFAKE LOG LINE"],
  ])("replaces a hostile X-Request-Id (%s) with a generated one", async (_name, id) => {
    const response = await t.app.inject({
      method: "GET",
      url: "/health",
      headers: { "x-request-id": id },
    });
    const answered = response.headers["x-request-id"];
    expect(answered).not.toBe(id);
    expect(answered).toMatch(/^[\w.:-]{8,128}$/);
  });

  it("is sent on error responses too", async () => {
    const responses = [
      await t.app.inject({
        method: "GET",
        url: "/api/tasks",
        headers: { "x-request-id": "e-401" },
      }),
      await t.app.inject({ method: "GET", url: "/nope", headers: { "x-request-id": "e-404" } }),
      await t.as("rid-user", {
        method: "GET",
        url: "/api/tasks?limit=0",
        headers: { "x-request-id": "e-422" },
      }),
    ];
    expect(responses.map((response) => response.statusCode)).toEqual([401, 404, 422]);
    expect(responses.map((response) => response.headers["x-request-id"])).toEqual([
      "e-401",
      "e-404",
      "e-422",
    ]);
  });
});

describe("CORS", () => {
  const preflight = (
    origin: string,
    url = "/api/tasks",
    method = "POST",
    app: TestApp = t,
  ): Promise<LightMyRequestResponse> =>
    app.app.inject({
      method: "OPTIONS",
      url,
      headers: {
        origin,
        "access-control-request-method": method,
        "access-control-request-headers":
          "authorization,content-type,x-request-id,if-match,idempotency-key",
      },
    });

  it.each(ALLOWED_ORIGINS)(
    "answers a preflight from %s with the contract's headers and methods",
    async (origin) => {
      const response = await preflight(origin);
      expect(response.statusCode).toBeGreaterThanOrEqual(200);
      expect(response.statusCode).toBeLessThan(300);
      expect(response.headers["access-control-allow-origin"]).toBe(origin);
      expect(listOf(response.headers["access-control-allow-headers"])).toEqual(
        expect.arrayContaining([
          "authorization",
          "content-type",
          "x-request-id",
          "if-match",
          "idempotency-key",
        ]),
      );
      expect(listOf(response.headers["access-control-allow-methods"])).toEqual(
        expect.arrayContaining(["get", "post", "put", "patch", "delete"]),
      );
    },
  );

  it.each([
    [`/api/cors-user/tasks/${MISSING_TASK}/complete`, "PATCH"],
    [`/api/tasks/${MISSING_TASK}`, "DELETE"],
    [`/api/tasks/${MISSING_TASK}`, "PUT"],
    ["/api/stats", "GET"],
  ])("answers a preflight for %s (%s) without needing a token", async (url, method) => {
    const response = await preflight("http://localhost:3000", url, method);
    expect(response.statusCode).toBeLessThan(300);
    expect(response.headers["access-control-allow-origin"]).toBe("http://localhost:3000");
    expect(listOf(response.headers["access-control-allow-methods"])).toContain(
      method.toLowerCase(),
    );
  });

  it.each(ALLOWED_ORIGINS)("lets %s read responses and the exposed headers", async (origin) => {
    await t.as("cors-user", { method: "POST", url: "/api/tasks", payload: { title: "x" } });
    const response = await t.as("cors-user", {
      method: "GET",
      url: "/api/tasks",
      headers: { origin },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["access-control-allow-origin"]).toBe(origin);
    expect(listOf(response.headers["access-control-expose-headers"])).toEqual(
      expect.arrayContaining(["x-total-count", "location", "x-request-id", "etag"]),
    );
  });

  it.each([
    "http://evil.test",
    "https://localhost:3000",
    "http://localhost:3001",
    "http://localhost:3000.evil.test",
    "http://sub.localhost:3000",
    "null",
  ])("gives the origin %s no Access-Control-Allow-Origin", async (origin) => {
    const pre = await preflight(origin);
    expect(pre.headers["access-control-allow-origin"]).toBeUndefined();
    const actual = await t.as("cors-user", {
      method: "GET",
      url: "/api/tasks",
      headers: { origin },
    });
    expect(actual.headers["access-control-allow-origin"]).toBeUndefined();
    expect(actual.headers["access-control-allow-credentials"]).toBeUndefined();
  });

  it("puts the CORS headers on 401, 403, 404, 413 and 422 responses to an allowed origin", async () => {
    const origin = "http://localhost:3000";
    const responses = [
      await t.app.inject({ method: "GET", url: "/api/tasks", headers: { origin } }),
      await t.as("cors-user", {
        method: "GET",
        url: "/api/someone-else/tasks",
        headers: { origin },
      }),
      await t.as("cors-user", {
        method: "GET",
        url: `/api/tasks/${MISSING_TASK}`,
        headers: { origin },
      }),
      await t.as("cors-user", { method: "GET", url: "/nope", headers: { origin } }),
      await t.as("cors-user", {
        method: "POST",
        url: "/api/tasks",
        payload: { title: "x".repeat(70_000) },
        headers: { origin },
      }),
      await t.as("cors-user", {
        method: "POST",
        url: "/api/tasks",
        payload: {},
        headers: { origin },
      }),
    ];
    expect(responses.map((response) => response.statusCode)).toEqual([
      401, 403, 404, 404, 413, 422,
    ]);
    for (const response of responses) {
      expect(response.headers["access-control-allow-origin"]).toBe(origin);
      expect(listOf(response.headers["access-control-expose-headers"])).toContain("x-request-id");
    }
  });

  describe("with CORS_ORIGINS set", () => {
    let custom: TestApp;
    beforeAll(async () => {
      custom = await createTestApp({
        env: { CORS_ORIGINS: "https://tasks.example.com,https://admin.example.com" },
      });
    });
    afterAll(() => custom.close());

    it("allows exactly the configured origins", async () => {
      for (const origin of ["https://tasks.example.com", "https://admin.example.com"]) {
        const response = await preflight(origin, "/api/tasks", "POST", custom);
        expect(response.headers["access-control-allow-origin"]).toBe(origin);
        const actual = await custom.as("u", {
          method: "GET",
          url: "/api/tasks",
          headers: { origin },
        });
        expect(actual.headers["access-control-allow-origin"]).toBe(origin);
      }
    });

    it("no longer allows the default origins", async () => {
      for (const origin of ALLOWED_ORIGINS) {
        const response = await preflight(origin, "/api/tasks", "POST", custom);
        expect(response.headers["access-control-allow-origin"]).toBeUndefined();
        const actual = await custom.as("u", {
          method: "GET",
          url: "/api/tasks",
          headers: { origin },
        });
        expect(actual.headers["access-control-allow-origin"]).toBeUndefined();
      }
    });
  });
});

type OpenApiSchema = Record<string, unknown>;
interface OpenApiResponse {
  description?: string;
  content?: Record<string, { schema?: OpenApiSchema }>;
  headers?: Record<string, { schema?: OpenApiSchema }>;
}
interface OpenApiOperation {
  operationId?: string;
  parameters?: { in: string; name: string; required?: boolean; schema?: OpenApiSchema }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: OpenApiSchema }> };
  responses: Record<string, OpenApiResponse>;
  security?: unknown[];
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  security?: unknown[];
  components?: { securitySchemes?: Record<string, unknown> };
}

const TASK_FIELDS = [
  "id",
  "user_id",
  "title",
  "description",
  "status",
  "completed",
  "priority",
  "category",
  "tags",
  "due_date",
  "completed_at",
  "created_at",
  "updated_at",
];
const LIST_PARAMETERS = [
  "status",
  "completed",
  "priority",
  "category",
  "tag",
  "q",
  "due_before",
  "due_after",
  "overdue",
  "sort",
  "order",
  "limit",
  "offset",
];

/** Every route of both families, as OpenAPI paths. */
const OPERATIONS: [method: string, path: string][] = [
  ["get", "/health"],
  ...["/api", "/api/{user_id}"].flatMap((prefix): [string, string][] => [
    ["get", `${prefix}/tasks`],
    ["post", `${prefix}/tasks`],
    ["get", `${prefix}/tasks/{id}`],
    ["put", `${prefix}/tasks/{id}`],
    ["patch", `${prefix}/tasks/{id}`],
    ["delete", `${prefix}/tasks/{id}`],
    ["patch", `${prefix}/tasks/{id}/complete`],
    ["get", `${prefix}/tasks/{id}/history`],
    ["get", `${prefix}/stats`],
  ]),
];
const API_OPERATIONS = OPERATIONS.filter(([, path]) => path.startsWith("/api"));
const BODY_METHODS = new Set(["post", "put", "patch"]);

describe("/openapi.json", () => {
  let doc: OpenApiDocument;
  const ajv = new Ajv2020({
    strict: true,
    strictTypes: false,
    strictTuples: false,
    allErrors: true,
  });
  addFormats(ajv);

  beforeAll(async () => {
    const response = await t.app.inject({ method: "GET", url: "/openapi.json" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    // The shapes are named and referred to; these checks read each operation's schemas whole.
    doc = inlineSchemaRefs(response.json<OpenApiDocument>());
  });

  const operation = (method: string, path: string): OpenApiOperation => {
    const found = doc.paths[path]?.[method];
    if (!found) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
    return found;
  };
  const jsonSchema = (
    entry: { content?: Record<string, { schema?: OpenApiSchema }> } | undefined,
  ) => entry?.content?.["application/json"]?.schema;
  /** The response an operation declares for a status: exact, then 4XX/5XX, then default. */
  const declared = (op: OpenApiOperation, status: number) =>
    op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;

  it("is an OpenAPI 3.1 document", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
  });

  it("lists every route of both families, and /health", () => {
    for (const [method, path] of OPERATIONS) expect(() => operation(method, path)).not.toThrow();
  });

  it("gives every operation a unique operationId", () => {
    const ids = OPERATIONS.map(([method, path]) => operation(method, path).operationId);
    expect(ids.every((id) => typeof id === "string" && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("declares bearer authentication for /api and none for /health", () => {
    const schemes = doc.components?.securitySchemes ?? {};
    const bearer = Object.entries(schemes).find(
      ([, scheme]) => (scheme as { scheme?: string }).scheme?.toLowerCase() === "bearer",
    );
    expect(bearer).toBeDefined();
    const name = bearer?.[0] as string;
    for (const [method, path] of API_OPERATIONS) {
      const security = operation(method, path).security ?? doc.security;
      expect(security, `${method} ${path}`).toContainEqual({ [name]: [] });
    }
    expect(operation("get", "/health").security).toEqual([]);
  });

  it("declares every path parameter, required", () => {
    for (const [method, path] of OPERATIONS) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const params = (operation(method, path).parameters ?? []).filter((p) => p.in === "path");
      expect(params.map((p) => p.name).sort(), `${method} ${path}`).toEqual(names.sort());
      for (const param of params) expect(param.required).toBe(true);
    }
  });

  it("declares the list's query parameters with their enums", () => {
    for (const path of ["/api/tasks", "/api/{user_id}/tasks"]) {
      const query = (operation("get", path).parameters ?? []).filter((p) => p.in === "query");
      expect(query.map((p) => p.name).sort()).toEqual([...LIST_PARAMETERS].sort());
      for (const param of query) expect(param.required ?? false).toBe(false);
      const schemaOf = (name: string) => query.find((p) => p.name === name)?.schema;
      expect(schemaOf("status")?.enum).toEqual(
        expect.arrayContaining(["all", "pending", "in_progress", "completed", "active"]),
      );
      expect(schemaOf("sort")?.enum).toEqual(
        expect.arrayContaining([
          "created_at",
          "updated_at",
          "title",
          "due_date",
          "priority",
          "created",
          "updated",
        ]),
      );
      expect(schemaOf("order")?.enum).toEqual(expect.arrayContaining(["asc", "desc"]));
      expect(schemaOf("limit")).toMatchObject({ type: "integer", minimum: 1, maximum: 100 });
      expect(schemaOf("offset")).toMatchObject({ type: "integer", minimum: 0 });
    }
  });

  it("declares the stats' tz query parameter", () => {
    for (const path of ["/api/stats", "/api/{user_id}/stats"]) {
      const query = (operation("get", path).parameters ?? []).filter((p) => p.in === "query");
      expect(query.map((p) => p.name)).toEqual(["tz"]);
    }
  });

  it("declares the request bodies: required for create and update, optional for complete", () => {
    for (const [method, path] of API_OPERATIONS) {
      const op = operation(method, path);
      const label = `${method} ${path}`;
      if (!BODY_METHODS.has(method)) {
        expect(op.requestBody, label).toBeUndefined();
        continue;
      }
      const schema = jsonSchema(op.requestBody);
      expect(schema, label).toBeDefined();
      expect(schema?.additionalProperties, label).toBe(false);
      if (path.endsWith("/complete")) {
        expect(op.requestBody?.required ?? false, label).toBe(false);
        expect(schema).toMatchObject({ properties: { completed: { type: "boolean" } } });
        continue;
      }
      expect(op.requestBody?.required, label).toBe(true);
      const properties = schema?.properties as Record<string, OpenApiSchema>;
      expect(Object.keys(properties).sort()).toEqual(
        [
          "title",
          "description",
          "status",
          "completed",
          "priority",
          "category",
          "tags",
          "due_date",
        ].sort(),
      );
      expect(properties.status?.enum).toEqual(["pending", "in_progress", "completed"]);
      expect(properties.priority?.enum).toEqual(["low", "medium", "high"]);
      expect(properties.category?.enum).toEqual(["work", "personal", "home", "other"]);
      expect(schema?.required ?? [], label).toEqual(method === "post" ? ["title"] : []);
    }
  });

  it("describes the task with every field required and its enums", () => {
    const taskOperations = API_OPERATIONS.filter(
      ([, p]) => p.includes("/tasks") && !p.endsWith("/history"),
    );
    for (const [method, path] of taskOperations) {
      const op = operation(method, path);
      const success = method === "post" ? "201" : method === "delete" ? "204" : "200";
      expect(Object.keys(op.responses), `${method} ${path}`).toContain(success);
      if (method === "delete") continue;
      const schema = jsonSchema(op.responses[success]);
      const task = (method === "get" && !path.endsWith("{id}") ? schema?.items : schema) as
        | OpenApiSchema
        | undefined;
      expect((task?.required as string[] | undefined)?.sort(), `${method} ${path}`).toEqual(
        [...TASK_FIELDS].sort(),
      );
      const properties = task?.properties as Record<string, OpenApiSchema>;
      expect(properties.status?.enum).toEqual(["pending", "in_progress", "completed"]);
      expect(properties.priority?.enum).toEqual(["low", "medium", "high"]);
      expect(properties.category?.enum).toEqual(["work", "personal", "home", "other"]);
    }
  });

  it("describes a history entry with every field required, its action and changed fields", () => {
    for (const path of ["/api/tasks/{id}/history", "/api/{user_id}/tasks/{id}/history"]) {
      const op = operation("get", path);
      const entry = jsonSchema(op.responses["200"])?.items as OpenApiSchema | undefined;
      expect((entry?.required as string[] | undefined)?.sort(), path).toEqual(
        ["id", "task_id", "action", "changes", "request_id", "at"].sort(),
      );
      const properties = entry?.properties as Record<string, OpenApiSchema>;
      expect(properties.action?.enum).toEqual(["create", "update", "complete", "delete"]);
      expect(Object.keys(properties.changes?.properties as object).sort()).toEqual(
        [
          "title",
          "description",
          "status",
          "priority",
          "category",
          "tags",
          "due_date",
          "completed_at",
        ].sort(),
      );
      const query = (op.parameters ?? []).filter((p) => p.in === "query");
      expect(query.map((p) => p.name).sort()).toEqual(["limit", "offset"]);
    }
  });

  it("declares the X-Total-Count header of the list and of the history", () => {
    for (const path of [
      "/api/tasks",
      "/api/{user_id}/tasks",
      "/api/tasks/{id}/history",
      "/api/{user_id}/tasks/{id}/history",
    ]) {
      const headers = operation("get", path).responses["200"]?.headers ?? {};
      const names = Object.keys(headers).map((name) => name.toLowerCase());
      expect(names).toEqual(["x-total-count"]);
      const [header] = Object.values(headers);
      expect(header?.schema).toMatchObject({ type: "integer" });
    }
  });

  it("declares the errors each route can give, in the error schema", () => {
    for (const [method, path] of API_OPERATIONS) {
      const op = operation(method, path);
      const expected = [401, 429, 500, 503];
      if (path.startsWith("/api/{user_id}")) expected.push(403);
      if (path.includes("{id}")) expected.push(404);
      if (BODY_METHODS.has(method)) expected.push(400, 413, 422);
      if (method === "get" && !path.includes("{id}")) expected.push(422);
      for (const status of expected) {
        const response = declared(op, status);
        expect(response, `${method} ${path} ${status}`).toBeDefined();
        const schema = jsonSchema(response);
        expect(schema?.required, `${method} ${path} ${status}`).toEqual(
          expect.arrayContaining(["detail", "status_code", "error_type"]),
        );
        const properties = schema?.properties as Record<string, OpenApiSchema>;
        expect(properties.error_type?.enum).toEqual([...ERROR_TYPES]);
      }
    }
  });

  it("contains only valid JSON Schemas (2020-12)", () => {
    const problems: string[] = [];
    const check = (where: string, schema: OpenApiSchema | undefined) => {
      if (!schema) return;
      try {
        ajv.compile(schema);
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`);
      }
    };
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const at = `${method.toUpperCase()} ${path}`;
        for (const param of op.parameters ?? [])
          check(`${at} parameter ${param.name}`, param.schema);
        check(`${at} request body`, jsonSchema(op.requestBody));
        for (const [status, response] of Object.entries(op.responses)) {
          check(`${at} ${status}`, jsonSchema(response));
          for (const [name, header] of Object.entries(response.headers ?? {})) {
            check(`${at} ${status} header ${name}`, header.schema);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("declares every status the live API answers, and the bodies match the declared schemas", async () => {
    const owner = "openapi-probe";
    const existing = await t.as(owner, {
      method: "POST",
      url: "/api/tasks",
      payload: { title: "probe" },
    });
    const taskId = existing.json<{ id: string }>().id;
    const validators = new Map<OpenApiSchema, ValidateFunction>();
    const problems: string[] = [];

    for (const [method, path] of API_OPERATIONS) {
      const op = operation(method, path);
      const url = (id: string, user = owner) => path.replace("{user_id}", user).replace("{id}", id);
      const body =
        BODY_METHODS.has(method) && !path.endsWith("/complete") ? { title: "t" } : undefined;
      const probes: InjectOptions[] = [
        { url: url(taskId), payload: body },
        { url: url(MISSING_TASK), payload: body },
        { url: url(taskId), headers: { authorization: "" } },
        { url: url(taskId), headers: { "content-type": "application/json" }, payload: "{bad" },
        {
          url: url(taskId),
          headers: { "content-type": "application/json" },
          payload: JSON.stringify({ title: "x".repeat(70_000) }),
        },
        { url: url(taskId), payload: [] as unknown as Record<string, unknown> },
        { url: `${url(taskId)}?limit=0&tz=Not%2FA_Zone` },
      ];
      if (path.includes("{user_id}"))
        probes.push({ url: url(taskId, "someone-else"), payload: body });

      for (const probe of probes) {
        const response = await t.as(owner, { ...probe, method: method.toUpperCase() as "GET" });
        const label = `${method.toUpperCase()} ${probe.url} → ${response.statusCode}`;
        const declaredResponse = declared(op, response.statusCode);
        if (!declaredResponse) {
          problems.push(`${label} is not declared`);
          continue;
        }
        const schema = jsonSchema(declaredResponse);
        if (!schema || response.statusCode === 204) continue;
        let validate = validators.get(schema);
        if (!validate) {
          validate = ajv.compile(schema);
          validators.set(schema, validate);
        }
        if (!validate(response.json())) {
          problems.push(`${label}: body does not match: ${ajv.errorsText(validate.errors)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe("/docs", () => {
  it("serves an HTML documentation page", async () => {
    let response = await t.app.inject({ method: "GET", url: "/docs" });
    for (
      let hops = 0;
      hops < 3 && response.statusCode >= 300 && response.statusCode < 400;
      hops++
    ) {
      const location = new URL(String(response.headers.location), "http://localhost").pathname;
      response = await t.app.inject({ method: "GET", url: location });
    }
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/html/);
    expect(response.body).toMatch(/<html/i);
  });
});

describe("/metrics", () => {
  let metrics: string;
  beforeAll(async () => {
    const created = await t.as("metrics-user", {
      method: "POST",
      url: "/api/tasks",
      payload: { title: "measured" },
    });
    const id = created.json<{ id: string }>().id;
    await t.as("metrics-user", { method: "GET", url: `/api/tasks/${id}` });
    await t.as("metrics-user", { method: "GET", url: `/api/metrics-user/tasks/${id}` });
    await t.app.inject({ method: "GET", url: "/health" });
    await t.app.inject({ method: "GET", url: `/no/such/route/${id}` });
    const response = await t.app.inject({ method: "GET", url: "/metrics" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/plain/);
    metrics = response.body;
  });

  it("exposes http_request_duration_seconds as a histogram labelled by route", () => {
    expect(metrics).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);
    const counts = metrics
      .split("\n")
      .filter((line) => line.startsWith("http_request_duration_seconds_count{"));
    const routeOf = (line: string) => /route="([^"]*)"/.exec(line)?.[1];
    const routes = counts.map(routeOf);
    expect(routes).toEqual(
      expect.arrayContaining([
        "/api/tasks",
        "/api/tasks/:id",
        "/api/:user_id/tasks/:id",
        "/health",
      ]),
    );
    expect(
      counts.some(
        (line) =>
          routeOf(line) === "/api/tasks/:id" &&
          line.includes('method="GET"') &&
          line.includes('status_code="200"'),
      ),
    ).toBe(true);
  });

  it("labels by route pattern, never by raw URL (no ids in labels)", () => {
    const labels = [...metrics.matchAll(/route="([^"]*)"/g)].map((match) => match[1]);
    for (const label of labels) {
      expect(label).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
      expect(label).not.toContain("metrics-user");
    }
  });

  it("counts error responses by route, status and error_type", () => {
    expect(metrics).toMatch(/^# TYPE http_errors_total counter$/m);
    // Every 404 of an unknown route is a not_found error: the two counts agree.
    const notFound =
      /^http_errors_total\{method="GET",route="unmatched",status_code="404",error_type="not_found"\} (\d+)$/m.exec(
        metrics,
      );
    const answered =
      /^http_request_duration_seconds_count\{method="GET",route="unmatched",status_code="404"\} (\d+)$/m.exec(
        metrics,
      );
    expect(Number(notFound?.[1])).toBeGreaterThan(0);
    expect(notFound?.[1]).toBe(answered?.[1]);
    expect(metrics).not.toMatch(/^http_errors_total\{[^}]*status_code="200"/m);
  });

  it("exposes memory and event-loop lag", () => {
    for (const name of ["process_resident_memory_bytes", "nodejs_eventloop_lag_p99_seconds"]) {
      expect(metrics).toMatch(new RegExp(`^# TYPE ${name} gauge$`, "m"));
    }
  });

  it("exposes the database pool gauges", () => {
    for (const name of [
      "db_pool_connections_total",
      "db_pool_connections_in_use",
      "db_pool_connections_idle",
      "db_pool_requests_waiting",
    ]) {
      expect(metrics).toMatch(new RegExp(`^# TYPE ${name} gauge$`, "m"));
      expect(metrics).toMatch(new RegExp(`^${name} \\d+$`, "m"));
    }
  });
});

describe("rate limiting", () => {
  const LIMIT = 8;
  let limited: TestApp;
  beforeAll(async () => {
    limited = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
  });
  afterAll(() => limited.close());

  function expectRateLimited(response: LightMyRequestResponse) {
    expect(response.statusCode, response.body).toBe(429);
    expect(response.json()).toEqual({
      detail: expect.any(String),
      status_code: 429,
      error_type: "rate_limited",
    });
    const retryAfter = Number(response.headers["retry-after"]);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  }

  const anonymous = (ip: string, options: Partial<InjectOptions> = {}) =>
    limited.app.inject({ method: "GET", url: "/api/tasks", remoteAddress: ip, ...options });

  it(`answers a user's request ${LIMIT + 1} within a minute with 429 rate_limited and Retry-After`, async () => {
    const urls = ["/api/tasks", "/api/rl-user/stats", "/api/stats", "/api/rl-user/tasks"];
    for (let i = 0; i < LIMIT; i++) {
      const response = await limited.as("rl-user", { method: "GET", url: urls[i % urls.length] });
      expect(response.statusCode, `request ${i + 1}`).toBe(200);
    }
    const limitedResponse = await limited.as("rl-user", { method: "GET", url: "/api/tasks" });
    expectRateLimited(limitedResponse);
    // The window opened moments ago: the wait is most of a minute, not a token second.
    expect(Number(limitedResponse.headers["retry-after"])).toBeGreaterThanOrEqual(50);
    expectRateLimited(
      await limited.as("rl-user", { method: "POST", url: "/api/tasks", payload: { title: "x" } }),
    );
  });

  it("limits per user: another user from the same address is not affected", async () => {
    expect((await limited.as("rl-other", { method: "GET", url: "/api/tasks" })).statusCode).toBe(
      200,
    );
  });

  it("limits unauthenticated /api requests per IP at a quarter of the limit", async () => {
    const quarter = LIMIT / 4;
    for (let i = 0; i < quarter; i++) expectError(await anonymous("10.0.0.1"), 401, "unauthorized");
    expectRateLimited(await anonymous("10.0.0.1"));
    // Another address has its own budget.
    expectError(await anonymous("10.0.0.2"), 401, "unauthorized");
  });

  it("counts refused tokens as unauthenticated", async () => {
    const headers = { authorization: "Bearer not.a.token" };
    for (let i = 0; i < LIMIT / 4; i++) {
      expectError(await anonymous("10.0.0.3", { headers }), 401, "unauthorized");
    }
    expectRateLimited(await anonymous("10.0.0.3", { headers }));
  });

  it("does not let a spoofed X-Forwarded-For reset an address's budget", async () => {
    for (let i = 0; i < LIMIT / 4; i++) await anonymous("10.0.0.4");
    expectRateLimited(
      await anonymous("10.0.0.4", { headers: { "x-forwarded-for": "203.0.113.9" } }),
    );
  });

  it("still serves a valid token from an address whose anonymous budget is spent", async () => {
    for (let i = 0; i < LIMIT / 4; i++) await anonymous("10.0.0.5");
    expectRateLimited(await anonymous("10.0.0.5"));
    const token = await limited.token("rl-from-busy-ip");
    const response = await anonymous("10.0.0.5", { headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(200);
  });

  it("does not limit /health, /openapi.json, /metrics, /docs or OPTIONS preflights", async () => {
    const ip = "10.0.0.6";
    for (let i = 0; i < LIMIT; i++) await anonymous(ip);
    expectRateLimited(await anonymous(ip));
    for (let i = 0; i < LIMIT * 3; i++) {
      for (const url of ["/health", "/openapi.json", "/metrics", "/docs/json"]) {
        const response = await limited.app.inject({ method: "GET", url, remoteAddress: ip });
        expect(response.statusCode, `${url} #${i + 1}`).toBe(200);
      }
      const preflight = await limited.app.inject({
        method: "OPTIONS",
        url: "/api/tasks",
        remoteAddress: ip,
        headers: { origin: "http://localhost:3000", "access-control-request-method": "GET" },
      });
      expect(preflight.statusCode, `OPTIONS #${i + 1}`).toBeLessThan(300);
    }
  });

  it("puts the CORS and security headers on a 429 to an allowed origin", async () => {
    const origin = "http://localhost:3000";
    for (let i = 0; i < LIMIT / 4; i++) await anonymous("10.0.0.7");
    const response = await anonymous("10.0.0.7", { headers: { origin } });
    expectRateLimited(response);
    expect(response.headers["access-control-allow-origin"]).toBe(origin);
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["content-security-policy"]).toMatch(/default-src 'none'/);
  });

  it("is off with RATE_LIMIT_PER_MINUTE=0", async () => {
    // `t` runs with RATE_LIMIT_PER_MINUTE=0.
    for (let i = 0; i < 50; i++) {
      const authed = await t.as("unlimited-user", { method: "GET", url: "/api/tasks" });
      expect(authed.statusCode).toBe(200);
      const anon = await t.app.inject({
        method: "GET",
        url: "/api/tasks",
        remoteAddress: "10.9.9.9",
      });
      expect(anon.statusCode).toBe(401);
    }
  });
});

describe("logs and 5xx responses", () => {
  interface LogLine {
    level: number;
    msg?: string;
    reqId?: string;
    req?: unknown;
    res?: unknown;
    [key: string]: unknown;
  }
  const raw: string[] = [];
  let logged: TestApp;
  beforeAll(async () => {
    logged = await createTestApp({
      env: { LOG_LEVEL: "trace" },
      logStream: { write: (line: string) => void raw.push(line) },
    });
  });
  afterAll(() => logged.close());

  async function withTaskTableGone<T>(run: () => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: logged.databaseUrl });
    await client.connect();
    try {
      await client.query("ALTER TABLE task RENAME TO task_gone_for_test");
      try {
        return await run();
      } finally {
        await client.query("ALTER TABLE task_gone_for_test RENAME TO task");
      }
    } finally {
      await client.end();
    }
  }

  it("answers an unexpected failure 500 internal_error without stack trace or SQL", async () => {
    await logged.as("log-user", { method: "GET", url: "/api/tasks" });
    const responses = await withTaskTableGone(async () => [
      await logged.as("log-user", { method: "GET", url: "/api/tasks" }),
      await logged.as("log-user", { method: "POST", url: "/api/tasks", payload: { title: "x" } }),
      await logged.as("log-user", { method: "GET", url: "/api/stats" }),
    ]);
    for (const response of responses) {
      expect(response.statusCode, response.body).toBe(500);
      expect(response.json()).toEqual({
        detail: expect.any(String),
        status_code: 500,
        error_type: "internal_error",
      });
      // No SQL, no table names, no driver message, no stack frames.
      expect(response.body).not.toMatch(/\b(select|insert|from|relation)\b|task_gone|"task"/i);
      expect(response.body).not.toMatch(/\bat \S+ \(|\.[jt]s:\d+|node:|Error:/);
    }
    // The app is fine again once the table is back.
    expect((await logged.as("log-user", { method: "GET", url: "/api/tasks" })).statusCode).toBe(
      200,
    );
  });

  it("never logs tokens, the JWT secret or the Authorization header, and tags every request line with its id", async () => {
    const eddsa = await logged.token("log-eddsa", { email: "log@example.com" });
    const hs256 = await logged.hs256({ sub: "log-hs256" });
    const expired = await logged.token("log-expired", { expiresIn: -3600 });
    const forged = await logged.hs256({ sub: "log-forged" }, "forged-secret-forged-secret-forged");
    const tokens = [eddsa, hs256, expired, forged];
    const requests: InjectOptions[] = [
      { method: "GET", url: "/api/tasks", headers: { authorization: `Bearer ${eddsa}` } },
      {
        method: "POST",
        url: "/api/tasks",
        payload: { title: "logged" },
        headers: { authorization: `Bearer ${hs256}` },
      },
      { method: "GET", url: "/api/tasks", headers: { authorization: `Bearer ${expired}` } },
      { method: "GET", url: "/api/tasks", headers: { authorization: `Bearer ${forged}` } },
      {
        method: "GET",
        url: "/api/someone-else/tasks",
        headers: { authorization: `Bearer ${eddsa}` },
      },
      { method: "GET", url: "/api/tasks?limit=0", headers: { authorization: `Bearer ${eddsa}` } },
      { method: "GET", url: "/nope", headers: { authorization: `Bearer ${eddsa}` } },
      { method: "GET", url: "/api/tasks", headers: { authorization: `Basic ${eddsa}` } },
    ];
    const from = raw.length;
    const ids: string[] = [];
    for (const [i, request] of requests.entries()) {
      const id = `log-check-${i}`;
      ids.push(id);
      await logged.app.inject({ ...request, headers: { ...request.headers, "x-request-id": id } });
    }
    const ids500 = "log-check-500";
    await withTaskTableGone(() =>
      logged.app.inject({
        method: "GET",
        url: "/api/tasks",
        headers: { authorization: `Bearer ${eddsa}`, "x-request-id": ids500 },
      }),
    );
    ids.push(ids500);

    const text = raw.slice(from).join("");
    expect(text.length).toBeGreaterThan(0);
    for (const token of tokens) {
      expect(text).not.toContain(token);
      for (const part of token.split(".")) expect(text).not.toContain(part);
    }
    expect(text).not.toContain(TEST_HS256_SECRET);
    expect(text).not.toMatch(/bearer/i);
    expect(text).not.toMatch(/authorization/i);
    const password = new URL(logged.databaseUrl).password;
    if (password) expect(text).not.toContain(password);

    const lines = raw
      .slice(from)
      .join("")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LogLine);
    // Every line written while serving these requests belongs to one of them.
    for (const line of lines) expect(ids, JSON.stringify(line)).toContain(line.reqId);
    for (const id of ids) {
      const own = lines.filter((line) => line.reqId === id);
      expect(
        own.some((line) => line.req !== undefined),
        `${id} incoming`,
      ).toBe(true);
      expect(
        own.some((line) => line.res !== undefined),
        `${id} completed`,
      ).toBe(true);
    }
    // The 500 was logged, with its error, under its request id.
    expect(lines.some((line) => line.reqId === ids500 && line.level >= 50 && line.err)).toBe(true);
  });

  it("never logs passwords, cookies or secret-looking values sent in bodies and headers", async () => {
    const password = "correct-horse-battery-staple-4711";
    const apiKey = "sk_live_51HxSecretLookingValue0123456789";
    const cookie = "better-auth.session_token=session-cookie-secret-0123";
    const eddsa = await logged.token("log-secrets");
    const hostileBody = {
      title: "x",
      password,
      api_key: apiKey,
      nested: { password, token: eddsa },
    };
    const from = raw.length;
    const responses = [
      // 422: unknown fields carrying secrets.
      await logged.app.inject({
        method: "POST",
        url: "/api/tasks",
        payload: hostileBody,
        headers: { authorization: `Bearer ${eddsa}`, cookie },
      }),
      // 401: the same body and a token-looking cookie, no valid token.
      await logged.app.inject({
        method: "POST",
        url: "/api/tasks",
        payload: hostileBody,
        headers: { authorization: `Bearer ${eddsa}x`, cookie },
      }),
      // 400: the secret inside unparseable JSON.
      await logged.app.inject({
        method: "POST",
        url: "/api/tasks",
        payload: `{"password":"${password}"`,
        headers: { authorization: `Bearer ${eddsa}`, "content-type": "application/json" },
      }),
      // 500: a database failure while storing a task with the secret in it (the failed
      // query's parameters must not reach the log).
      await withTaskTableGone(() =>
        logged.app.inject({
          method: "POST",
          url: "/api/tasks",
          payload: { title: "x", description: password },
          headers: { authorization: `Bearer ${eddsa}`, cookie },
        }),
      ),
    ];
    expect(responses.map((response) => response.statusCode)).toEqual([422, 401, 400, 500]);

    const text = raw.slice(from).join("");
    expect(text).toMatch(/"level":50/);
    for (const secret of [eddsa, ...eddsa.split("."), TEST_HS256_SECRET, apiKey, cookie]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain("session-cookie-secret");
    expect(text).not.toContain(password);
  });

  it("redacts Authorization and Cookie in every shape a log call may give them", () => {
    const from = raw.length;
    const headers = { authorization: "Bearer redact-me-token", cookie: "sid=redact-me-cookie" };
    logged.app.log.info({ headers }, "bare headers");
    logged.app.log.info({ req: { headers } }, "as req");
    logged.app.log.info({ request: { headers } }, "as request");
    logged.app.log.info({ headers: { "set-cookie": "sid=redact-me-cookie" } }, "set-cookie");
    const text = raw.slice(from).join("");
    expect(text.split("\n").filter(Boolean)).toHaveLength(4);
    expect(text).not.toContain("redact-me");
    expect(text).toContain("[Redacted]");
  });
});
