import type { Task } from "@tasklane/contract";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../test/app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Method = "POST" | "PUT" | "PATCH";
type ErrorBody = {
  detail: string;
  status_code: number;
  error_type: string;
  errors?: { field: string; message: string }[];
};

const ERROR_KEYS = ["detail", "errors", "error_type", "status_code"];
const JSON_TYPE = { "content-type": "application/json" };

/** 😀 is one code point but two UTF-16 units: lengths must count code points. */
const EMOJI = "😀";
const KIB_64 = 64 * 1024;

/** Asserts the status and that the body has exactly the contract's error shape. */
function expectError(
  response: LightMyRequestResponse,
  status: number,
  errorType: string,
): ErrorBody {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers["content-type"]).toMatch(/^application\/json/);
  const body = response.json<ErrorBody>();
  for (const key of Object.keys(body)) expect(ERROR_KEYS, `unexpected key ${key}`).toContain(key);
  expect(body.status_code).toBe(status);
  expect(body.error_type).toBe(errorType);
  expect(typeof body.detail).toBe("string");
  expect(body.detail.length).toBeGreaterThan(0);
  if (body.errors !== undefined) {
    expect(Array.isArray(body.errors)).toBe(true);
    for (const error of body.errors) {
      expect(Object.keys(error).sort()).toEqual(["field", "message"]);
      expect(typeof error.field).toBe("string");
      expect(typeof error.message).toBe("string");
      expect(error.message.length).toBeGreaterThan(0);
    }
  }
  return body;
}

/** A 422 whose errors[] names exactly `fields` (in any order) and whose detail names one of them. */
function expectValidationError(response: LightMyRequestResponse, fields: string[]) {
  const body = expectError(response, 422, "validation_error");
  expect(body.errors, "a 422 lists its field errors").toBeDefined();
  expect((body.errors ?? []).map((error) => error.field).sort()).toEqual([...fields].sort());
  expect(
    fields.some((field) => body.detail.includes(field)),
    `detail "${body.detail}" names a field`,
  ).toBe(true);
  return body;
}

const families = [
  { family: "/api/tasks", base: (_user: string) => "/api/tasks" },
  { family: "/api/{user_id}/tasks", base: (user: string) => `/api/${user}/tasks` },
];

describe.each(families)("create body validation on $family", ({ family, base }) => {
  const user = `validation-create-${family.length}`;
  const url = base(user);
  const post = (payload: unknown) =>
    t.as(user, { method: "POST", url, payload: payload as InjectOptions["payload"] });
  /** Sends `text` as the body, verbatim, with the given headers. */
  const raw = (text: string, headers: Record<string, string> = JSON_TYPE) =>
    t.as(user, { method: "POST", url, payload: text, headers });
  const created = (response: LightMyRequestResponse) => {
    expect(response.statusCode, response.body).toBe(201);
    return response.json<Task>();
  };

  describe("title", () => {
    it("is required", async () => {
      expectValidationError(await post({ description: "no title" }), ["title"]);
    });

    it.each([
      ["empty", ""],
      ["spaces only", "   "],
      ["whitespace only", " \t\n\r "],
    ])("rejects a title that is %s", async (_name, title) => {
      expectValidationError(await post({ title }), ["title"]);
    });

    it("accepts 1 and 200 characters and stores the title trimmed", async () => {
      expect(created(await post({ title: "x" })).title).toBe("x");
      const long = "a".repeat(200);
      expect(created(await post({ title: long })).title).toBe(long);
      expect(created(await post({ title: `  \t${long}\n ` })).title).toBe(long);
    });

    it("rejects 201 characters, even when surrounding whitespace would be trimmed", async () => {
      expectValidationError(await post({ title: "a".repeat(201) }), ["title"]);
      expectValidationError(await post({ title: `  ${"a".repeat(201)}  ` }), ["title"]);
    });

    it("counts code points: 200 emoji are accepted, 201 rejected", async () => {
      const title = EMOJI.repeat(200);
      expect(title.length).toBe(400); // UTF-16 units
      expect(created(await post({ title })).title).toBe(title);
      expectValidationError(await post({ title: EMOJI.repeat(201) }), ["title"]);
    });

    it.each([
      ["a number", 123],
      ["a boolean", true],
      ["null", null],
      ["an array", ["Buy milk"]],
      ["an object", { text: "Buy milk" }],
    ])("rejects a title that is %s, without coercing it", async (_name, title) => {
      expectValidationError(await post({ title }), ["title"]);
    });
  });

  describe("description", () => {
    it("accepts null and up to 10000 characters", async () => {
      expect(created(await post({ title: "d", description: null })).description).toBeNull();
      const long = "d".repeat(10_000);
      expect(created(await post({ title: "d", description: long })).description).toBe(long);
    });

    it("counts code points: 10000 emoji are accepted", async () => {
      const description = EMOJI.repeat(10_000);
      expect(created(await post({ title: "d", description })).description).toBe(description);
    });

    it("rejects 10001 characters", async () => {
      expectValidationError(await post({ title: "d", description: "d".repeat(10_001) }), [
        "description",
      ]);
      expectValidationError(await post({ title: "d", description: EMOJI.repeat(10_001) }), [
        "description",
      ]);
    });

    it.each([
      ["a number", 5],
      ["a boolean", false],
      ["an array", ["x"]],
    ])("rejects a description that is %s", async (_name, description) => {
      expectValidationError(await post({ title: "d", description }), ["description"]);
    });
  });

  describe("enums", () => {
    it.each([
      ["status", ["pending", "in_progress", "completed"]],
      ["priority", ["low", "medium", "high"]],
      ["category", ["work", "personal", "home", "other"]],
    ] as const)("accepts every %s value", async (field, values) => {
      for (const value of values) {
        expect(created(await post({ title: "e", [field]: value }))[field]).toBe(value);
      }
    });

    it.each([
      ["priority", "High"],
      ["priority", "HIGH"],
      ["priority", "urgent"],
      ["priority", ""],
      ["status", "Completed"],
      ["status", "done"],
      ["status", "in-progress"],
      ["category", "Work"],
      ["category", "office"],
    ])("rejects %s %j (enums are case-sensitive)", async (field, value) => {
      expectValidationError(await post({ title: "e", [field]: value }), [field]);
    });

    it.each([
      ["status", null],
      ["priority", 1],
      ["category", ["work"]],
    ])("rejects %s of the wrong JSON type (%j)", async (field, value) => {
      expectValidationError(await post({ title: "e", [field]: value }), [field]);
    });
  });

  describe("completed", () => {
    it.each([
      ['"true"', "true"],
      ["1", 1],
      ["null", null],
    ])("rejects completed: %s (no coercion to boolean)", async (_name, completed) => {
      expectValidationError(await post({ title: "c", completed }), ["completed"]);
    });
  });

  describe("tags", () => {
    const distinct = (count: number) => Array.from({ length: count }, (_, i) => `tag-${i}`);

    it("accepts 20 distinct tags", async () => {
      expect(created(await post({ title: "t", tags: distinct(20) })).tags).toEqual(distinct(20));
    });

    it("rejects 21 distinct tags", async () => {
      expectValidationError(await post({ title: "t", tags: distinct(21) }), ["tags"]);
    });

    it("accepts 25 entries that collapse to 20 distinct after trimming, first occurrence kept", async () => {
      const tags = [...distinct(20), " tag-0", "tag-1 ", "tag-2", "\ttag-3\t", "tag-19"];
      expect(tags).toHaveLength(25);
      expect(created(await post({ title: "t", tags })).tags).toEqual(distinct(20));
    });

    it("rejects 21 distinct tags even among duplicates", async () => {
      const tags = [...distinct(21), "tag-0", " tag-1 "];
      expectValidationError(await post({ title: "t", tags }), ["tags"]);
    });

    it("accepts tags of 1 and 50 characters (code points), trimmed", async () => {
      const fifty = "t".repeat(50);
      const emoji = EMOJI.repeat(50);
      expect(created(await post({ title: "t", tags: ["a", ` ${fifty} `, emoji] })).tags).toEqual([
        "a",
        fifty,
        emoji,
      ]);
    });

    it.each([
      ["51 characters", "t".repeat(51)],
      ["51 emoji", EMOJI.repeat(51)],
      ["empty", ""],
      ["whitespace only", "   "],
      ["containing NUL", "a\u0000b"],
    ])("rejects a tag that is %s, naming its index", async (_name, tag) => {
      expectValidationError(await post({ title: "t", tags: ["ok", tag] }), ["tags[1]"]);
    });

    it.each([
      ["a number", 1],
      ["null", null],
      ["an object", { name: "x" }],
    ])("rejects a tag that is %s, naming its index", async (_name, tag) => {
      expectValidationError(await post({ title: "t", tags: ["ok", tag] }), ["tags[1]"]);
    });

    it.each([
      ["a string", "work"],
      ["null", null],
      ["an object", { 0: "work" }],
    ])("rejects tags that are %s instead of an array", async (_name, tags) => {
      expectValidationError(await post({ title: "t", tags }), ["tags"]);
    });
  });

  describe("due_date", () => {
    it.each([
      ["2026-12-01T10:30:00Z", "2026-12-01T10:30:00.000Z"],
      ["2026-12-01T10:30:00+02:00", "2026-12-01T08:30:00.000Z"],
      ["2026-12-01T10:30:00-05:30", "2026-12-01T16:00:00.000Z"],
      ["2026-12-01T00:30:00+01:00", "2026-11-30T23:30:00.000Z"],
      ["2026-12-01T10:30:00.5Z", "2026-12-01T10:30:00.500Z"],
      ["2026-12-01T10:30:00.123+01:00", "2026-12-01T09:30:00.123Z"],
      ["2026-12-01T10:30:00.123456Z", "2026-12-01T10:30:00.123Z"],
      ["2026-12-01t10:30:00z", "2026-12-01T10:30:00.000Z"],
      ["2026-12-01", "2026-12-01T00:00:00.000Z"],
      ["2024-02-29", "2024-02-29T00:00:00.000Z"],
    ])(
      "accepts %s and returns it in UTC with millisecond precision (%s)",
      async (input, output) => {
        const task = created(await post({ title: "due", due_date: input }));
        expect(task.due_date).toBe(output);
      },
    );

    it("accepts null", async () => {
      expect(created(await post({ title: "due", due_date: null })).due_date).toBeNull();
    });

    it.each([
      ["a date-time without offset", "2026-12-01T10:30:00"],
      ["a date-time without seconds or offset", "2026-12-01T10:30"],
      ["a date-time with fraction but no offset", "2026-12-01T10:30:00.000"],
      ["an impossible date", "2026-02-30"],
      ["an impossible date-time", "2026-02-30T10:00:00Z"],
      ["February 29 of a common year", "2025-02-29"],
      ["month 13", "2026-13-01"],
      ["hour 25", "2026-12-01T25:00:00Z"],
      ["a local date format", "12/01/2026"],
      ["a word", "tomorrow"],
      ["an empty string", ""],
    ])("rejects %s", async (_name, dueDate) => {
      expectValidationError(await post({ title: "due", due_date: dueDate }), ["due_date"]);
    });

    it.each([
      ["a number (epoch ms)", 1_764_547_200_000],
      ["a boolean", true],
      ["an object", { date: "2026-12-01" }],
    ])("rejects a due_date that is %s", async (_name, dueDate) => {
      expectValidationError(await post({ title: "due", due_date: dueDate }), ["due_date"]);
    });
  });

  describe("unknown and read-only fields", () => {
    it.each(["foo", "Title", "done", "userId"])("rejects the unknown field %s", async (field) => {
      expectValidationError(await post({ title: "u", [field]: "x" }), [field]);
    });

    it.each([
      ["id", "01932e4a-0000-7000-8000-000000000000"],
      ["user_id", "someone-else"],
      ["created_at", "2020-01-01T00:00:00.000Z"],
      ["updated_at", "2020-01-01T00:00:00.000Z"],
      ["completed_at", "2020-01-01T00:00:00.000Z"],
    ])("rejects the read-only field %s", async (field, value) => {
      expectValidationError(await post({ title: "u", [field]: value }), [field]);
    });

    it("names each offending field", async () => {
      expectValidationError(await post({ title: 123, id: "x", foo: 1 }), ["foo", "id", "title"]);
    });

    it("rejects a __proto__ key as an unknown field (raw JSON text)", async () => {
      const response = await raw('{"title":"p","__proto__":{"isAdmin":true}}');
      expectValidationError(response, ["__proto__"]);
    });

    it("rejects a constructor key as an unknown field", async () => {
      const response = await raw('{"title":"p","constructor":{"prototype":{"isAdmin":true}}}');
      expectValidationError(response, ["constructor"]);
    });
  });

  describe("NUL characters", () => {
    it.each([
      ["title", { title: "a\u0000b" }],
      ["description", { title: "n", description: "line\u0000" }],
      ["tags[0]", { title: "n", tags: ["\u0000"] }],
    ])("rejects NUL in %s", async (field, body) => {
      expectValidationError(await post(body), [field]);
    });
  });

  describe("body shape and encoding", () => {
    it.each([
      ["an array", "[]"],
      ["an array of a task", '[{"title":"x"}]'],
      ["a string", '"Buy milk"'],
      ["null", "null"],
      ["a number", "42"],
      ["a boolean", "true"],
    ])("rejects a JSON body that is %s with a 422 naming body", async (_name, text) => {
      expectValidationError(await raw(text), ["body"]);
    });

    it("rejects {} with a 422 naming title", async () => {
      expectValidationError(await raw("{}"), ["title"]);
    });

    it("rejects an empty body without a content type with a 422 naming body", async () => {
      expectValidationError(await t.as(user, { method: "POST", url }), ["body"]);
    });

    it("rejects an empty body with a JSON content type with a 422 naming body", async () => {
      expectValidationError(await raw(""), ["body"]);
    });

    it("accepts application/json with a charset", async () => {
      created(
        await raw('{"title":"charset"}', { "content-type": "application/json; charset=utf-8" }),
      );
    });

    it.each([
      ["truncated", '{"title": "x"'],
      ["unquoted keys", "{title: 'x'}"],
      ["single quotes", "{'title':'x'}"],
      ["a trailing comma", '{"title":"x",}'],
      ["plain words", "hello"],
    ])("answers malformed JSON (%s) with 400 bad_request", async (_name, text) => {
      expectError(await raw(text), 400, "bad_request");
    });

    it.each([
      ["text/plain", '{"title":"x"}'],
      ["application/x-www-form-urlencoded", "title=x"],
      ["application/xml", "<task><title>x</title></task>"],
    ])("answers a %s body with 400 bad_request", async (contentType, text) => {
      expectError(await raw(text, { "content-type": contentType }), 400, "bad_request");
    });

    it("answers a body without a content type with 400 bad_request", async () => {
      const response = await raw('{"title":"x"}', {});
      expectError(response, 400, "bad_request");
    });

    it("answers a body over 64 KiB with 413 payload_too_large", async () => {
      const text = JSON.stringify({ title: "big", description: "x".repeat(70_000) });
      expectError(await raw(text), 413, "payload_too_large");
    });

    it("reads a body of exactly 64 KiB (a 422 for its description), one byte more is a 413", async () => {
      const exact = (bytes: number) => {
        const shell = JSON.stringify({ title: "big", description: "" });
        return JSON.stringify({ title: "big", description: "x".repeat(bytes - shell.length) });
      };
      expect(Buffer.byteLength(exact(KIB_64))).toBe(KIB_64);
      expectValidationError(await raw(exact(KIB_64)), ["description"]);
      expectError(await raw(exact(KIB_64 + 1)), 413, "payload_too_large");
    });
  });

  it("creates nothing when a body is refused", async () => {
    const before = await t.as(user, { method: "GET", url: `${url}?q=never-stored` });
    await post({ title: "never-stored", priority: "High" });
    await raw('{"title":"never-stored"', JSON_TYPE);
    await raw('{"title":"never-stored"}', { "content-type": "text/plain" });
    const after = await t.as(user, { method: "GET", url: `${url}?q=never-stored` });
    expect(before.json()).toEqual([]);
    expect(after.json()).toEqual([]);
  });
});

describe.each(families)("update body validation on $family", ({ family, base }) => {
  const user = `validation-update-${family.length}`;
  let task: Task;
  let url: string;
  beforeAll(async () => {
    const response = await t.as(user, {
      method: "POST",
      url: base(user),
      payload: { title: "Original", description: "keep", tags: ["keep"], due_date: "2026-12-01" },
    });
    expect(response.statusCode, response.body).toBe(201);
    task = response.json<Task>();
    url = `${base(user)}/${task.id}`;
  });

  describe.each(["PUT", "PATCH"] as const)("%s", (method: Method) => {
    const send = (payload: unknown) =>
      t.as(user, { method, url, payload: payload as InjectOptions["payload"] });
    const raw = (text: string, headers: Record<string, string> = JSON_TYPE) =>
      t.as(user, { method, url, payload: text, headers });

    it("rejects {} with a 422: at least one field", async () => {
      expectValidationError(await send({}), ["body"]);
    });

    it("rejects an empty body without a content type with a 422 naming body", async () => {
      expectValidationError(await t.as(user, { method, url }), ["body"]);
    });

    it("rejects an empty body with a JSON content type with a 422 naming body", async () => {
      expectValidationError(await raw(""), ["body"]);
    });

    it.each([
      ["an array", '[{"title":"x"}]'],
      ["a string", '"x"'],
      ["null", "null"],
    ])("rejects a JSON body that is %s with a 422 naming body", async (_name, text) => {
      expectValidationError(await raw(text), ["body"]);
    });

    it.each([
      ["title", ""],
      ["title", "   "],
      ["title", null],
      ["title", 123],
      ["title", "a".repeat(201)],
      ["title", EMOJI.repeat(201)],
      ["title", "a\u0000"],
      ["description", "d".repeat(10_001)],
      ["description", 1],
      ["status", "Pending"],
      ["priority", "High"],
      ["category", "Home"],
      ["completed", "true"],
      ["completed", null],
      ["tags", null],
      ["tags", "a"],
      ["due_date", "2026-12-01T10:30:00"],
      ["due_date", "2026-02-30"],
      ["due_date", 0],
    ])("rejects %s %j", async (field, value) => {
      expectValidationError(await send({ [field]: value }), [field]);
    });

    it.each([
      ["tags[0]", ["   "]],
      ["tags[1]", ["a", "t".repeat(51)]],
      ["tags[1]", ["a", 2]],
    ])("rejects tags naming %s", async (field, tags) => {
      expectValidationError(await send({ tags }), [field]);
    });

    it("rejects 21 distinct tags", async () => {
      const tags = Array.from({ length: 21 }, (_, i) => `t${i}`);
      expectValidationError(await send({ tags }), ["tags"]);
    });

    it.each(["id", "user_id", "created_at", "updated_at", "completed_at"])(
      "rejects the read-only field %s",
      async (field) => {
        expectValidationError(await send({ title: "x", [field]: "2020-01-01T00:00:00.000Z" }), [
          field,
        ]);
      },
    );

    it("rejects an unknown field", async () => {
      expectValidationError(await send({ title: "x", notes: "y" }), ["notes"]);
    });

    it("rejects a __proto__ key as an unknown field", async () => {
      expectValidationError(await raw('{"title":"x","__proto__":{"isAdmin":true}}'), ["__proto__"]);
    });

    it("answers malformed JSON with 400 bad_request", async () => {
      expectError(await raw('{"title":'), 400, "bad_request");
    });

    it("answers a text/plain body with 400 bad_request", async () => {
      expectError(await raw('{"title":"x"}', { "content-type": "text/plain" }), 400, "bad_request");
    });

    it("answers a body without a content type with 400 bad_request", async () => {
      expectError(await raw('{"title":"x"}', {}), 400, "bad_request");
    });

    it("answers a body over 64 KiB with 413 payload_too_large", async () => {
      const text = JSON.stringify({ description: "x".repeat(KIB_64) });
      expectError(await raw(text), 413, "payload_too_large");
    });

    it("leaves the task untouched after refused bodies", async () => {
      await send({ title: "", priority: "low" });
      await send({ priority: "High" });
      await raw('{"title":"changed"}', { "content-type": "text/plain" });
      await raw('{"title":"changed"}', {});
      const response = await t.as(user, { method: "GET", url });
      expect(response.json()).toEqual(task);
    });
  });

  describe.each(["PUT", "PATCH"] as const)("%s accepts", (method: Method) => {
    it("200 emoji as a title, and 25 tags collapsing to 20", async () => {
      const tags = [
        ...Array.from({ length: 20 }, (_, i) => `t${i}`),
        ...Array.from({ length: 5 }, (_, i) => ` t${i} `),
      ];
      const response = await t.as(user, {
        method,
        url,
        payload: { title: EMOJI.repeat(200), tags },
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({ title: EMOJI.repeat(200), tags: tags.slice(0, 20) });
    });

    it("a due_date with an offset, returned in UTC", async () => {
      const response = await t.as(user, {
        method,
        url,
        payload: { due_date: "2027-03-01T01:00:00+02:00" },
      });
      expect(response.json()).toMatchObject({ due_date: "2027-02-28T23:00:00.000Z" });
    });
  });
});

describe.each(families)("PATCH .../complete body validation on $family", ({ family, base }) => {
  const user = `validation-complete-${family.length}`;
  let url: string;
  let taskUrl: string;
  beforeAll(async () => {
    const response = await t.as(user, { method: "POST", url: base(user), payload: { title: "c" } });
    expect(response.statusCode, response.body).toBe(201);
    taskUrl = `${base(user)}/${response.json<Task>().id}`;
    url = `${taskUrl}/complete`;
  });
  const raw = (text: string, headers: Record<string, string> = JSON_TYPE) =>
    t.as(user, { method: "PATCH", url, payload: text, headers });
  const completedNow = async () =>
    (await t.as(user, { method: "GET", url: taskUrl })).json<Task>().completed;

  it("toggles with an empty body and no content type", async () => {
    const before = await completedNow();
    const response = await t.as(user, { method: "PATCH", url });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<Task>().completed).toBe(!before);
  });

  it("toggles with an empty body and a JSON content type", async () => {
    const before = await completedNow();
    const response = await raw("");
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<Task>().completed).toBe(!before);
  });

  it.each([true, false])("sets completed: %s", async (completed) => {
    const response = await t.as(user, { method: "PATCH", url, payload: { completed } });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ completed });
  });

  it.each([
    ['{"completed":"yes"}', ["completed"]],
    ['{"completed":"true"}', ["completed"]],
    ['{"completed":"maybe"}', ["completed"]],
    ['{"completed":1}', ["completed"]],
    ['{"completed":null}', ["completed"]],
    ['{"completed":true,"x":1}', ["x"]],
    ['{"completed":true,"status":"completed"}', ["status"]],
    ['{"completed":true,"__proto__":{"isAdmin":true}}', ["__proto__"]],
    ["{}", ["completed"]],
    ['{"status":"completed"}', ["completed", "status"]],
    ["[]", ["body"]],
    ["[true]", ["body"]],
    ["null", ["body"]],
    ["true", ["body"]],
    ['"completed"', ["body"]],
  ])("rejects %s with a 422 and changes nothing", async (text, fields) => {
    const before = await completedNow();
    expectValidationError(await raw(text), fields);
    expect(await completedNow()).toBe(before);
  });

  it.each([
    ["malformed JSON", '{"completed":', JSON_TYPE],
    ["a text/plain body", '{"completed":true}', { "content-type": "text/plain" }],
    ["a body without a content type", '{"completed":true}', {}],
  ])("answers %s with 400 bad_request and changes nothing", async (_name, text, headers) => {
    const before = await completedNow();
    expectError(await raw(text, headers), 400, "bad_request");
    expect(await completedNow()).toBe(before);
  });

  it("answers a body over 64 KiB with 413 payload_too_large and changes nothing", async () => {
    const before = await completedNow();
    const text = JSON.stringify({ completed: true, padding: "x".repeat(KIB_64) });
    expectError(await raw(text), 413, "payload_too_large");
    expect(await completedNow()).toBe(before);
  });
});
