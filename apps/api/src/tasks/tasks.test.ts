import type { Task } from "@tasklane/contract";
import { withPgClient } from "@tasklane/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../test/app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function create(user: string, body: Record<string, unknown>, base = "/api/tasks") {
  const response = await t.as(user, { method: "POST", url: base, payload: body });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Task>();
}

// Both route families must behave identically; each case runs on both.
const families = [
  { name: "/api/tasks", base: (_user: string) => "/api/tasks" },
  { name: "/api/{user_id}/tasks", base: (user: string) => `/api/${user}/tasks` },
];

describe.each(families)("task lifecycle on $name", ({ base }) => {
  const user = `lifecycle-${base("x").length}`;

  it("creates a task with defaults, a UUIDv7 id and a Location header", async () => {
    const response = await t.as(user, {
      method: "POST",
      url: base(user),
      payload: { title: "Buy milk" },
    });
    expect(response.statusCode).toBe(201);
    const task = response.json<Task>();
    expect(task).toMatchObject({
      user_id: user,
      title: "Buy milk",
      description: null,
      status: "pending",
      completed: false,
      priority: "medium",
      category: "other",
      tags: [],
      due_date: null,
      completed_at: null,
    });
    expect(task.id).toMatch(UUID_V7);
    expect(task.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(task.updated_at).toBe(task.created_at);
    expect(response.headers.location).toBe(`${base(user)}/${task.id}`);
  });

  it("stores every field, trimmed and normalised", async () => {
    const task = await create(
      user,
      {
        title: "  Plan trip  ",
        description: "Book 🚆",
        status: "in_progress",
        priority: "high",
        category: "personal",
        tags: [" travel", "travel ", "summer", "travel"],
        due_date: "2026-12-01T10:30:00+02:00",
      },
      base(user),
    );
    expect(task).toMatchObject({
      title: "Plan trip",
      description: "Book 🚆",
      status: "in_progress",
      completed: false,
      priority: "high",
      category: "personal",
      tags: ["travel", "summer"],
      due_date: "2026-12-01T08:30:00.000Z",
    });
  });

  it("reads a task back by id", async () => {
    const created = await create(user, { title: "Read me" }, base(user));
    const response = await t.as(user, { method: "GET", url: `${base(user)}/${created.id}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(created);
  });

  it.each(["PUT", "PATCH"] as const)(
    "%s updates only the given fields and advances updated_at",
    async (method) => {
      const created = await create(
        user,
        { title: "Original", priority: "low", tags: ["keep"] },
        base(user),
      );
      const response = await t.as(user, {
        method,
        url: `${base(user)}/${created.id}`,
        payload: { title: "Renamed", description: "now with text" },
      });
      expect(response.statusCode).toBe(200);
      const updated = response.json<Task>();
      expect(updated).toMatchObject({
        title: "Renamed",
        description: "now with text",
        priority: "low",
        tags: ["keep"],
      });
      expect(updated.created_at).toBe(created.created_at);
      expect(Date.parse(updated.updated_at)).toBeGreaterThan(Date.parse(created.updated_at));
    },
  );

  it("clears nullable fields with null", async () => {
    const created = await create(
      user,
      { title: "Dated", description: "x", due_date: "2027-01-01" },
      base(user),
    );
    const response = await t.as(user, {
      method: "PATCH",
      url: `${base(user)}/${created.id}`,
      payload: { description: null, due_date: null },
    });
    expect(response.json()).toMatchObject({ description: null, due_date: null });
  });

  it("deletes a task: 204 with an empty body, then 404", async () => {
    const created = await create(user, { title: "Doomed" }, base(user));
    const deleted = await t.as(user, { method: "DELETE", url: `${base(user)}/${created.id}` });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe("");
    const again = await t.as(user, { method: "GET", url: `${base(user)}/${created.id}` });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ error_type: "not_found", status_code: 404 });
  });

  it("toggles completion with an empty body, setting and clearing completed_at", async () => {
    const created = await create(user, { title: "Toggle me" }, base(user));
    const url = `${base(user)}/${created.id}/complete`;
    const done = await t.as(user, { method: "PATCH", url });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ status: "completed", completed: true });
    expect(done.json<Task>().completed_at).not.toBeNull();
    const reopened = await t.as(user, {
      method: "PATCH",
      url,
      headers: { "content-type": "application/json" },
    });
    expect(reopened.json()).toMatchObject({
      status: "pending",
      completed: false,
      completed_at: null,
    });
  });

  it("sets completion explicitly with {completed: bool}, idempotently", async () => {
    const created = await create(user, { title: "Set me", status: "in_progress" }, base(user));
    const url = `${base(user)}/${created.id}/complete`;
    const first = await t.as(user, { method: "PATCH", url, payload: { completed: true } });
    const second = await t.as(user, { method: "PATCH", url, payload: { completed: true } });
    expect(second.json()).toMatchObject({ status: "completed", completed: true });
    expect(second.json<Task>().completed_at).toBe(first.json<Task>().completed_at);
    const reopened = await t.as(user, { method: "PATCH", url, payload: { completed: false } });
    expect(reopened.json()).toMatchObject({
      status: "pending",
      completed: false,
      completed_at: null,
    });
  });
});

describe("status and completed stay consistent", () => {
  const user = "consistency-user";

  it.each([
    [{ completed: true }, "completed"],
    [{ completed: false }, "pending"],
    [{ status: "completed" }, "completed"],
    [{ status: "in_progress", completed: false }, "in_progress"],
    [{ status: "completed", completed: true }, "completed"],
  ])("create with %j gives status %s", async (fields, status) => {
    const task = await create(user, { title: "t", ...fields });
    expect(task.status).toBe(status);
    expect(task.completed).toBe(status === "completed");
    expect(task.completed_at === null).toBe(status !== "completed");
  });

  it.each([
    { status: "pending", completed: true },
    { status: "in_progress", completed: true },
    { status: "completed", completed: false },
  ])("rejects contradicting %j with a 422 naming completed", async (fields) => {
    const response = await t.as(user, {
      method: "POST",
      url: "/api/tasks",
      payload: { title: "t", ...fields },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({
      error_type: "validation_error",
      errors: [{ field: "completed" }],
    });
  });

  it("update with completed: false alone reopens to pending", async () => {
    const created = await create(user, { title: "t", completed: true });
    const response = await t.as(user, {
      method: "PATCH",
      url: `/api/tasks/${created.id}`,
      payload: { completed: false },
    });
    expect(response.json()).toMatchObject({
      status: "pending",
      completed: false,
      completed_at: null,
    });
  });

  it("keeps completed_at when an already completed task is set completed again", async () => {
    const created = await create(user, { title: "t", completed: true });
    const response = await t.as(user, {
      method: "PATCH",
      url: `/api/tasks/${created.id}`,
      payload: { status: "completed", title: "renamed" },
    });
    expect(response.json<Task>().completed_at).toBe(created.completed_at);
  });

  it("toggles in_progress to completed, and completed back to pending", async () => {
    const created = await create(user, { title: "t", status: "in_progress" });
    const url = `/api/tasks/${created.id}/complete`;
    expect((await t.as(user, { method: "PATCH", url })).json<Task>().status).toBe("completed");
    expect((await t.as(user, { method: "PATCH", url })).json<Task>().status).toBe("pending");
  });
});

describe("concurrent writes", () => {
  const user = "concurrency-user";

  it("advances updated_at strictly on every change, even within one millisecond", async () => {
    const created = await create(user, { title: "busy" });
    const stamps: string[] = [created.updated_at];
    for (let i = 0; i < 5; i++) {
      const response = await t.as(user, {
        method: "PATCH",
        url: `/api/tasks/${created.id}/complete`,
      });
      stamps.push(response.json<Task>().updated_at);
    }
    const times = stamps.map((stamp) => Date.parse(stamp));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1] as number);
  });

  it("applies concurrent toggles atomically: an even number leaves the task open", async () => {
    const created = await create(user, { title: "racy" });
    const url = `/api/tasks/${created.id}/complete`;
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => t.as(user, { method: "PATCH", url })),
    );
    expect(responses.every((response) => response.statusCode === 200)).toBe(true);
    const final = await t.as(user, { method: "GET", url: `/api/tasks/${created.id}` });
    expect(final.json()).toMatchObject({ status: "pending", completed: false });
  });

  it("gives exactly one 204 to concurrent deletes of one task", async () => {
    const created = await create(user, { title: "once" });
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        t.as(user, { method: "DELETE", url: `/api/tasks/${created.id}` }),
      ),
    );
    const codes = responses.map((response) => response.statusCode).sort();
    expect(codes).toEqual([204, 404, 404, 404, 404]);
  });
});

describe("isolation between users", () => {
  let alicesTask: Task;
  beforeAll(async () => {
    alicesTask = await create("alice", { title: "Alice's secret", tags: ["private"] });
  });

  const foreignRequests = () => [
    { method: "GET" as const, url: `/api/tasks/${alicesTask.id}` },
    { method: "PUT" as const, url: `/api/tasks/${alicesTask.id}`, payload: { title: "pwned" } },
    { method: "PATCH" as const, url: `/api/tasks/${alicesTask.id}`, payload: { title: "pwned" } },
    { method: "PATCH" as const, url: `/api/tasks/${alicesTask.id}/complete` },
    {
      method: "PATCH" as const,
      url: `/api/tasks/${alicesTask.id}/complete`,
      payload: { completed: true },
    },
    { method: "DELETE" as const, url: `/api/tasks/${alicesTask.id}` },
  ];

  it("answers another user's task exactly like a missing one (404), on every route", async () => {
    const missingId = "01932e4a-0000-7000-8000-000000000000";
    for (const request of foreignRequests()) {
      const foreign = await t.as("mallory", request);
      const missing = await t.as("mallory", {
        ...request,
        url: request.url.replace(alicesTask.id, missingId),
      });
      expect(foreign.statusCode, `${request.method} ${request.url}`).toBe(404);
      expect(foreign.json()).toEqual(missing.json());
    }
    const untouched = await t.as("alice", { method: "GET", url: `/api/tasks/${alicesTask.id}` });
    expect(untouched.json()).toEqual(alicesTask);
  });

  it("answers the same under /api/{own id}/tasks for another user's task", async () => {
    for (const request of foreignRequests()) {
      const response = await t.as("mallory", {
        ...request,
        url: request.url.replace("/api/", "/api/mallory/"),
      });
      expect(response.statusCode, `${request.method} ${request.url}`).toBe(404);
    }
  });

  it("never lists, counts or finds another user's tasks", async () => {
    const list = await t.as("mallory", { method: "GET", url: "/api/tasks?tag=private" });
    expect(list.json()).toEqual([]);
    expect(list.headers["x-total-count"]).toBe("0");
    const search = await t.as("mallory", { method: "GET", url: "/api/tasks?q=secret" });
    expect(search.json()).toEqual([]);
    const stats = await t.as("mallory", { method: "GET", url: "/api/stats" });
    expect(stats.json()).toMatchObject({ total: 0 });
  });

  it.each([
    ["GET", "/api/alice/tasks"],
    ["POST", "/api/alice/tasks"],
    ["GET", "/api/alice/tasks/ID"],
    ["PUT", "/api/alice/tasks/ID"],
    ["PATCH", "/api/alice/tasks/ID"],
    ["PATCH", "/api/alice/tasks/ID/complete"],
    ["DELETE", "/api/alice/tasks/ID"],
    ["GET", "/api/alice/stats"],
  ] as const)(
    "%s %s with another user's path id is a 403, before the body is looked at",
    async (method, path) => {
      const response = await t.as("mallory", {
        method,
        url: path.replace("ID", alicesTask.id),
        // Malformed JSON: the 403 must come first.
        ...(method === "POST" || method === "PUT" || method === "PATCH"
          ? { payload: "{not json", headers: { "content-type": "application/json" } }
          : {}),
      });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({
        detail: expect.any(String),
        status_code: 403,
        error_type: "forbidden",
      });
    },
  );

  it("treats a malformed task id as not found", async () => {
    for (const id of ["not-a-uuid", "123", "01932e4a-0000-7000-8000-00000000000g"]) {
      const response = await t.as("alice", { method: "GET", url: `/api/tasks/${id}` });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error_type: "not_found" });
    }
  });
});

describe("a user whose row disappears (account deleted while a token is still valid)", () => {
  // Issue 10, finding 4: re-creating the row brought a deleted account back. Its tombstone
  // (schema.deletedUser) makes the create a 401, not a 500, and the row stays gone.
  it("is refused on the next create instead of getting the row back", async () => {
    const user = "vanishing-user";
    await create(user, { title: "before" });
    await withPgClient(t.databaseUrl, (client) =>
      client.query(`DELETE FROM "user" WHERE id = $1`, [user]),
    );

    const listed = await t.as(user, { method: "GET", url: "/api/tasks" });
    expect(listed.json()).toEqual([]);
    const created = await t.as(user, {
      method: "POST",
      url: "/api/tasks",
      payload: { title: "after" },
    });
    expect(created.statusCode, created.body).toBe(401);
    expect(created.json()).toMatchObject({ error_type: "unauthorized" });
    const { rows } = await withPgClient(t.databaseUrl, (client) =>
      client.query(`SELECT id FROM "user" WHERE id = $1`, [user]),
    );
    expect(rows).toEqual([]);
  });
});
