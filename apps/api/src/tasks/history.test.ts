import type { AddressInfo } from "node:net";
import { createTasklaneClient, type Task, type TaskHistoryEntry } from "@tasklane/contract";
import { withPgClient } from "@tasklane/db/testing";
import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../test/app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const MISSING_TASK = "01932e4a-0000-7000-8000-000000000000";

/** A request as `user` carrying `requestId` as its X-Request-Id. */
function send(user: string, requestId: string, options: InjectOptions) {
  return t.as(user, { ...options, headers: { "x-request-id": requestId, ...options.headers } });
}

async function create(user: string, body: Record<string, unknown>, requestId = "req-create") {
  const response = await send(user, requestId, {
    method: "POST",
    url: "/api/tasks",
    payload: body,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Task>();
}

async function history(user: string, id: string, base = "/api/tasks") {
  const response = await t.as(user, { method: "GET", url: `${base}/${id}/history` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<TaskHistoryEntry[]>();
}

async function auditRowsOf(taskId: string): Promise<number> {
  const { rows } = await withPgClient(t.databaseUrl, (client) =>
    client.query<{ count: string }>("SELECT count(*) FROM change_log WHERE entity_id = $1", [
      taskId,
    ]),
  );
  return Number(rows[0]?.count);
}

describe("the audit record of each write", () => {
  const user = "audited";

  it("records a create with the initial values as new, null as old, and the request id", async () => {
    const task = await create(
      user,
      { title: "Plan trip", tags: ["travel"], due_date: "2026-12-01", priority: "high" },
      "req-create-1",
    );
    const entries = await history(user, task.id);
    expect(entries).toEqual([
      {
        id: expect.any(Number),
        task_id: task.id,
        action: "create",
        request_id: "req-create-1",
        at: task.created_at,
        // description and completed_at are null before and after: not a change.
        changes: {
          title: { old: null, new: "Plan trip" },
          status: { old: null, new: "pending" },
          priority: { old: null, new: "high" },
          category: { old: null, new: "other" },
          tags: { old: null, new: ["travel"] },
          due_date: { old: null, new: "2026-12-01T00:00:00.000Z" },
        },
      },
    ]);
  });

  it("records an update (PATCH and PUT) with only the changed fields, old and new", async () => {
    const task = await create(user, { title: "a", priority: "low" });
    const patched = await send(user, "req-patch", {
      method: "PATCH",
      url: `/api/tasks/${task.id}`,
      payload: { title: "b", priority: "low", description: "details" },
    });
    expect(patched.statusCode).toBe(200);
    const put = await send(user, "req-put", {
      method: "PUT",
      url: `/api/tasks/${task.id}`,
      payload: { due_date: "2026-03-01T10:00:00+01:00", tags: ["x", "y"] },
    });
    expect(put.statusCode).toBe(200);

    const [, afterPatch, afterPut] = await history(user, task.id);
    expect(afterPatch).toMatchObject({
      action: "update",
      request_id: "req-patch",
      at: patched.json<Task>().updated_at,
      changes: { title: { old: "a", new: "b" }, description: { old: null, new: "details" } },
    });
    expect(Object.keys(afterPatch?.changes ?? {}).sort()).toEqual(["description", "title"]);
    expect(afterPut).toMatchObject({
      action: "update",
      request_id: "req-put",
      at: put.json<Task>().updated_at,
      changes: {
        due_date: { old: null, new: "2026-03-01T09:00:00.000Z" },
        tags: { old: [], new: ["x", "y"] },
      },
    });
  });

  it("records an update that changes no field too, with empty changes", async () => {
    const task = await create(user, { title: "same" });
    const response = await send(user, "req-noop", {
      method: "PATCH",
      url: `/api/tasks/${task.id}`,
      payload: { title: "same" },
    });
    expect(response.statusCode).toBe(200);
    const [, noop] = await history(user, task.id);
    expect(noop).toMatchObject({ action: "update", request_id: "req-noop", changes: {} });
    expect(noop?.at).toBe(response.json<Task>().updated_at);
  });

  it("records toggles and sets of completion with status and completed_at", async () => {
    const task = await create(user, { title: "chore", status: "in_progress" });
    const complete = (requestId: string, payload?: { completed: boolean }) =>
      send(user, requestId, { method: "PATCH", url: `/api/tasks/${task.id}/complete`, payload });
    const completed = (await complete("req-toggle-1")).json<Task>();
    await complete("req-set-true", { completed: true });
    await complete("req-toggle-2");

    const [, toggledOn, setAgain, toggledOff] = await history(user, task.id);
    expect(toggledOn).toMatchObject({
      action: "complete",
      request_id: "req-toggle-1",
      changes: {
        status: { old: "in_progress", new: "completed" },
        completed_at: { old: null, new: completed.completed_at },
      },
    });
    // Completing a completed task keeps completed_at: nothing changes but updated_at.
    expect(setAgain).toMatchObject({ action: "complete", request_id: "req-set-true", changes: {} });
    expect(toggledOff).toMatchObject({
      action: "complete",
      request_id: "req-toggle-2",
      changes: {
        status: { old: "completed", new: "pending" },
        completed_at: { old: completed.completed_at, new: null },
      },
    });
  });

  it("records a delete with the last values as old, and keeps the history readable", async () => {
    const task = await create(user, { title: "short-lived", tags: ["t"] });
    const deleted = await send(user, "req-delete", {
      method: "DELETE",
      url: `/api/tasks/${task.id}`,
    });
    expect(deleted.statusCode).toBe(204);
    expect((await t.as(user, { method: "GET", url: `/api/tasks/${task.id}` })).statusCode).toBe(
      404,
    );

    const [created, removed] = await history(user, task.id);
    expect(created?.action).toBe("create");
    expect(removed).toMatchObject({
      action: "delete",
      request_id: "req-delete",
      changes: {
        title: { old: "short-lived", new: null },
        status: { old: "pending", new: null },
        priority: { old: "medium", new: null },
        category: { old: "other", new: null },
        tags: { old: ["t"], new: null },
      },
    });
    expect(Date.parse(removed?.at ?? "")).toBeGreaterThan(Date.parse(task.updated_at));
  });

  it("records writes made through /api/{user_id}/tasks alike", async () => {
    const base = `/api/${user}/tasks`;
    const response = await send(user, "req-scoped", {
      method: "POST",
      url: base,
      payload: { title: "scoped" },
    });
    const task = response.json<Task>();
    await send(user, "req-scoped-toggle", {
      method: "PATCH",
      url: `${base}/${task.id}/complete`,
    });
    const entries = await history(user, task.id, base);
    expect(entries.map((entry) => [entry.action, entry.request_id])).toEqual([
      ["create", "req-scoped"],
      ["complete", "req-scoped-toggle"],
    ]);
    expect(await history(user, task.id)).toEqual(entries);
  });
});

describe("GET /api/tasks/{id}/history", () => {
  const owner = "historian";

  it("lists oldest first, in pages, with X-Total-Count", async () => {
    const task = await create(owner, { title: "v0" });
    for (const title of ["v1", "v2", "v3"]) {
      await t.as(owner, { method: "PATCH", url: `/api/tasks/${task.id}`, payload: { title } });
    }
    const all = await history(owner, task.id);
    expect(all.map((entry) => entry.changes.title?.new)).toEqual(["v0", "v1", "v2", "v3"]);
    const ats = all.map((entry) => Date.parse(entry.at));
    expect(ats).toEqual([...ats].sort((a, b) => a - b));
    expect(new Set(ats).size).toBe(ats.length);

    const page = await t.as(owner, {
      method: "GET",
      url: `/api/tasks/${task.id}/history?limit=2&offset=1`,
    });
    expect(page.headers["x-total-count"]).toBe("4");
    expect(page.json<TaskHistoryEntry[]>()).toEqual(all.slice(1, 3));

    const pastTheEnd = await t.as(owner, {
      method: "GET",
      url: `/api/tasks/${task.id}/history?offset=10`,
    });
    expect(pastTheEnd.statusCode).toBe(200);
    expect(pastTheEnd.json()).toEqual([]);
    expect(pastTheEnd.headers["x-total-count"]).toBe("4");
  });

  it("refuses a limit outside 1-100 as a 422 naming it", async () => {
    const task = await create(owner, { title: "paged" });
    for (const limit of ["0", "101", "x"]) {
      const response = await t.as(owner, {
        method: "GET",
        url: `/api/tasks/${task.id}/history?limit=${limit}`,
      });
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({ errors: [{ field: "limit" }] });
    }
  });

  it("is the owner's only: another user gets a 404, also once the task is deleted", async () => {
    const task = await create(owner, { title: "private" });
    for (const url of [`/api/tasks/${task.id}/history`, `/api/intruder/tasks/${task.id}/history`]) {
      const response = await t.as("intruder", { method: "GET", url });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error_type: "not_found" });
    }
    await t.as(owner, { method: "DELETE", url: `/api/tasks/${task.id}` });
    const afterDelete = await t.as("intruder", {
      method: "GET",
      url: `/api/tasks/${task.id}/history`,
    });
    expect(afterDelete.statusCode).toBe(404);
    expect(await history(owner, task.id)).toHaveLength(2);
  });

  it("answers 403 for another user's id in the path, before looking at the task", async () => {
    const task = await create(owner, { title: "mine" });
    const response = await t.as("intruder", {
      method: "GET",
      url: `/api/${owner}/tasks/${task.id}/history`,
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error_type: "forbidden" });
  });

  it("answers 404 for a malformed id and for a task that never existed", async () => {
    for (const id of ["not-a-uuid", MISSING_TASK]) {
      for (const base of ["/api/tasks", `/api/${owner}/tasks`]) {
        const response = await t.as(owner, { method: "GET", url: `${base}/${id}/history` });
        expect(response.statusCode).toBe(404);
        expect(response.json()).toMatchObject({ error_type: "not_found" });
      }
    }
  });

  it("goes with the account: deleting the user deletes their history", async () => {
    const user = "leaving";
    const task = await create(user, { title: "bye" });
    await withPgClient(t.databaseUrl, (client) =>
      client.query(`DELETE FROM "user" WHERE id = $1`, [user]),
    );
    expect(await auditRowsOf(task.id)).toBe(0);
  });
});

describe("atomicity of a write and its record", () => {
  const user = "atomic";

  it("writes no record for a write refused as not found (another user's task)", async () => {
    const task = await create(user, { title: "guarded" });
    const url = `/api/tasks/${task.id}`;
    const attempts: InjectOptions[] = [
      { method: "PATCH", url, payload: { title: "hijacked" } },
      { method: "PUT", url, payload: { title: "hijacked" } },
      { method: "PATCH", url: `${url}/complete` },
      { method: "DELETE", url },
    ];
    for (const attempt of attempts) {
      expect((await t.as("intruder", attempt)).statusCode).toBe(404);
    }
    expect(await auditRowsOf(task.id)).toBe(1);
  });

  describe("when the audit insert fails", () => {
    const POISONED = "poisoned-request";
    beforeAll(async () => {
      // Makes exactly the audit record of requests with this id fail, after the change itself.
      await withPgClient(t.databaseUrl, (client) =>
        client.query(
          `ALTER TABLE change_log ADD CONSTRAINT test_refuses_poisoned CHECK (request_id <> '${POISONED}')`,
        ),
      );
    });
    afterAll(() =>
      withPgClient(t.databaseUrl, (client) =>
        client.query("ALTER TABLE change_log DROP CONSTRAINT test_refuses_poisoned"),
      ),
    );

    it("leaves no created task behind", async () => {
      const creator = "atomic-creator";
      const response = await send(creator, POISONED, {
        method: "POST",
        url: "/api/tasks",
        payload: { title: "never" },
      });
      expect(response.statusCode).toBe(500);
      const listed = await t.as(creator, { method: "GET", url: "/api/tasks" });
      expect(listed.json()).toEqual([]);
    });

    it("leaves the task unchanged on update, completion and delete", async () => {
      const task = await create(user, { title: "stable" });
      const url = `/api/tasks/${task.id}`;
      const writes: InjectOptions[] = [
        { method: "PATCH", url, payload: { title: "changed" } },
        { method: "PUT", url, payload: { priority: "high" } },
        { method: "PATCH", url: `${url}/complete` },
        { method: "PATCH", url: `${url}/complete`, payload: { completed: true } },
        { method: "DELETE", url },
      ];
      for (const write of writes) {
        const response = await send(user, POISONED, write);
        expect(response.statusCode, `${write.method} ${write.url}`).toBe(500);
      }
      const current = await t.as(user, { method: "GET", url });
      expect(current.statusCode).toBe(200);
      expect(current.json<Task>()).toEqual(task);
      expect(await history(user, task.id)).toHaveLength(1);
    });
  });
});

describe("concurrent writes to one task", () => {
  it("record each toggle with the status it replaced, in the order they happened", async () => {
    const user = "racer";
    const task = await create(user, { title: "contended" });
    const toggles = 12;
    const responses = await Promise.all(
      Array.from({ length: toggles }, () =>
        t.as(user, { method: "PATCH", url: `/api/tasks/${task.id}/complete` }),
      ),
    );
    expect(responses.map((response) => response.statusCode)).toEqual(Array(toggles).fill(200));

    const [, ...completions] = await history(user, task.id);
    expect(completions).toHaveLength(toggles);
    let status = "pending";
    for (const entry of completions) {
      expect(entry.changes.status?.old).toBe(status);
      status = entry.changes.status?.new ?? status;
    }
    const current = await t.as(user, { method: "GET", url: `/api/tasks/${task.id}` });
    expect(current.json<Task>().status).toBe(status);
  });
});

describe("the typed client", () => {
  it("reads a page of a task's history with its total", async () => {
    const user = "client-user";
    const task = await create(user, { title: "typed" });
    await t.as(user, { method: "PATCH", url: `/api/tasks/${task.id}/complete` });
    await t.app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = t.app.server.address() as AddressInfo;
    const bearer = await t.token(user);
    const client = createTasklaneClient({
      baseUrl: `http://127.0.0.1:${port}`,
      getToken: () => bearer,
    });

    const page = await client.getTaskHistory(task.id, { limit: 1, offset: 1 });
    expect(page.total).toBe(2);
    expect(page.entries.map((entry) => entry.action)).toEqual(["complete"]);
  });
});
