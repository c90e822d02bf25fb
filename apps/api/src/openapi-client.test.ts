import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import createClient from "openapi-fetch";
import openapiTS, { astToString, type OpenAPI3 } from "openapi-typescript";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./test/app";
import { inlineSchemaRefs } from "./test/openapi";

// The contract: a client generated from /openapi.json (openapi-typescript +
// openapi-fetch) type-checks against the contract and works against the live API.

let t: TestApp;
let baseUrl: string;
let workDir: string;
let generatedTypes: string;
let document: OpenAPI3;

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ host: "127.0.0.1", port: 0 });
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as OpenAPI3;
  generatedTypes = astToString(await openapiTS(document));
  // Inside node_modules so the snippets resolve openapi-fetch like any project would.
  const cacheDir = path.join(process.cwd(), "node_modules", ".cache");
  await mkdir(cacheDir, { recursive: true });
  workDir = await mkdtemp(path.join(cacheDir, "tasklane-openapi-"));
  await writeFile(path.join(workDir, "api.d.ts"), generatedTypes);
});

afterAll(async () => {
  await t.close();
  await rm(workDir, { recursive: true, force: true });
});

/** Type-checks a snippet that imports the generated `paths`; returns the compiler's messages. */
async function typeCheck(source: string): Promise<string[]> {
  const file = path.join(workDir, `usage-${Math.random().toString(36).slice(2)}.ts`);
  await writeFile(
    file,
    `import type { paths } from "./api";\nimport createClient from "openapi-fetch";\n${source}`,
  );
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    types: [],
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
}

describe("a client generated from /openapi.json", () => {
  it("type-checks correct use of every operation", async () => {
    const errors = await typeCheck(`
      const client = createClient<paths>({ baseUrl: "http://x" });
      async function use() {
        const created = await client.POST("/api/tasks", {
          body: { title: "t", priority: "high", tags: ["a"], due_date: "2026-12-01", description: null },
        });
        if (created.data) {
          const id: string = created.data.id;
          const done: boolean = created.data.completed;
          const due: string | null = created.data.due_date;
          await client.PATCH("/api/tasks/{id}", { params: { path: { id } }, body: { status: "in_progress" } });
          await client.PUT("/api/tasks/{id}", { params: { path: { id } }, body: { completed: true } });
          await client.PATCH("/api/tasks/{id}/complete", { params: { path: { id } } });
          const history = await client.GET("/api/tasks/{id}/history", {
            params: { path: { id }, query: { limit: 10, offset: 0 } },
          });
          if (history.data?.[0]) {
            const action: "create" | "update" | "complete" | "delete" = history.data[0].action;
            const title: string | null | undefined = history.data[0].changes.title?.new;
            const at: string = history.data[0].at;
            void action; void title; void at;
          }
          await client.DELETE("/api/tasks/{id}", { params: { path: { id } } });
          await client.GET("/api/{user_id}/tasks/{id}", { params: { path: { user_id: "u", id } } });
          void done; void due;
        }
        const list = await client.GET("/api/tasks", {
          params: { query: { status: "active", sort: "due_date", order: "asc", limit: 10, completed: false } },
        });
        if (list.error) { const type: string = list.error.error_type; void type; }
        const stats = await client.GET("/api/stats", { params: { query: { tz: "Europe/Paris" } } });
        if (stats.data) { const rate: number = stats.data.completion_rate; const high: number = stats.data.by_priority.high; void rate; void high; }
      }
      void use;
    `);
    expect(errors).toEqual([]);
  });

  it.each([
    [
      "an unknown enum value",
      `createClient<paths>({}).POST("/api/tasks", { body: { title: "t", priority: "urgent" } });`,
    ],
    [
      "a missing required title",
      `createClient<paths>({}).POST("/api/tasks", { body: { priority: "low" } });`,
    ],
    [
      "a wrongly typed field",
      `createClient<paths>({}).PATCH("/api/tasks/{id}/complete", { params: { path: { id: "x" } }, body: { completed: "yes" } });`,
    ],
    ["an unknown route", `createClient<paths>({}).GET("/api/todos");`],
    [
      "a missing path parameter",
      `createClient<paths>({}).GET("/api/tasks/{id}", { params: { path: {} } });`,
    ],
  ])("rejects %s at compile time", async (_name, snippet) => {
    expect(await typeCheck(snippet)).not.toEqual([]);
  });

  it("works against the live API", async () => {
    // The generated types exist only at run time here; their use is type-checked above.
    // biome-ignore lint/suspicious/noExplicitAny: see above
    const client = createClient<any>({
      baseUrl,
      headers: { authorization: `Bearer ${await t.token("openapi-user")}` },
    });
    const created = await client.POST("/api/tasks", {
      body: { title: "From the generated client" },
    });
    expect(created.response.status).toBe(201);
    const task = created.data as { id: string; title: string };
    expect(task.title).toBe("From the generated client");

    const listed = await client.GET("/api/tasks", { params: { query: { q: "generated" } } });
    expect(listed.response.headers.get("x-total-count")).toBe("1");
    expect((listed.data as { id: string }[]).map((item) => item.id)).toEqual([task.id]);

    const path = { id: task.id };
    const toggled = await client.PATCH("/api/tasks/{id}/complete", { params: { path } });
    expect(toggled.data).toMatchObject({ completed: true, status: "completed" });

    const invalid = await client.POST("/api/tasks", { body: { title: "" } });
    expect(invalid.response.status).toBe(422);
    expect(invalid.error).toMatchObject({
      error_type: "validation_error",
      errors: [{ field: "title" }],
    });

    const deleted = await client.DELETE("/api/tasks/{id}", { params: { path } });
    expect(deleted.response.status).toBe(204);

    const history = await client.GET("/api/tasks/{id}/history", { params: { path } });
    expect(history.response.headers.get("x-total-count")).toBe("3");
    expect((history.data as { action: string }[]).map((entry) => entry.action)).toEqual([
      "create",
      "complete",
      "delete",
    ]);
  });
});

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Every schema object in a part of the document, with where it is. */
function* schemasIn(value: unknown, at = ""): Generator<[string, Json]> {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* schemasIn(item, `${at}[${i}]`);
  } else if (isObject(value)) {
    yield [at, value];
    for (const [key, item] of Object.entries(value)) yield* schemasIn(item, `${at}/${key}`);
  }
}

describe("the OpenAPI document names its shapes (components.schemas)", () => {
  const schemas = () => (document.components?.schemas ?? {}) as Json;
  const responseSchema = (path: string, method: string, status: string) => {
    const operation = (document.paths as Json)[path] as Json;
    const responses = (operation[method] as Json).responses as Json;
    const content = (responses[status] as Json).content as Json;
    return (content["application/json"] as Json).schema;
  };

  it("is valid OpenAPI 3.1", async () => {
    const validator = new Validator();
    const result = await validator.validate(document as unknown as Json);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("has the task, its bodies, history, stats, health, the error and the enums as components", () => {
    expect(Object.keys(schemas())).toEqual(
      expect.arrayContaining([
        "Task",
        "TaskList",
        "CreateTask",
        "UpdateTask",
        "CompleteTask",
        "TaskHistoryEntry",
        "TaskHistory",
        "Stats",
        "Health",
        "Error",
        "TaskStatus",
        "TaskPriority",
        "TaskCategory",
      ]),
    );
    expect((schemas().Task as Json).properties).toMatchObject({
      priority: { $ref: "#/components/schemas/TaskPriority" },
    });
  });

  it("refers to them from the operations of both route families", () => {
    const task = { $ref: "#/components/schemas/Task" };
    expect(responseSchema("/api/tasks", "post", "201")).toEqual(task);
    expect(responseSchema("/api/tasks/{id}", "get", "200")).toEqual(task);
    expect(responseSchema("/api/{user_id}/tasks/{id}", "patch", "200")).toEqual(task);
    expect(responseSchema("/api/tasks", "get", "200")).toEqual({
      $ref: "#/components/schemas/TaskList",
    });
    expect(responseSchema("/api/tasks/{id}", "get", "404")).toEqual({
      $ref: "#/components/schemas/Error",
    });
    expect(responseSchema("/api/stats", "get", "200")).toEqual({
      $ref: "#/components/schemas/Stats",
    });
  });

  it("leaves no inline copy of a named shape, and says the priority enum once", () => {
    const copies = [...schemasIn(document.paths)].filter(([, schema]) => "title" in schema);
    expect(copies.map(([at]) => at)).toEqual([]);
    const text = JSON.stringify(document);
    expect(text.split('"enum":["low","medium","high"]').length - 1).toBe(1);
  });

  it("is less than half the size it was with every shape inlined", () => {
    const size = JSON.stringify(document).length;
    const inlinedSize = JSON.stringify(inlineSchemaRefs(document).paths).length;
    expect(size * 2).toBeLessThan(inlinedSize);
  });

  it("gives generated clients a named type for each shape", async () => {
    const errors = await typeCheck(`
      import type { components } from "./api";
      type Task = components["schemas"]["Task"];
      const priority: components["schemas"]["TaskPriority"] = "high";
      const task = (t: Task) => t.priority === priority && t.status !== "completed";
      const change = (e: components["schemas"]["TaskHistoryEntry"]) => e.changes.priority?.new;
      const failure = (e: components["schemas"]["Error"]) => e.errors?.[0]?.field;
      void task; void change; void failure;
    `);
    expect(errors).toEqual([]);
    expect(
      await typeCheck(`
      import type { components } from "./api";
      const priority: components["schemas"]["TaskPriority"] = "urgent";
      void priority;
    `),
    ).not.toEqual([]);
  });
});
