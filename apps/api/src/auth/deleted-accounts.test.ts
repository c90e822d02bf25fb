import type { LightMyRequestResponse } from "fastify";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../test/app";

// A deleted account must not come back through a token issued before the deletion: the API's
// auto-provisioning used to re-create the user row (same email, no credentials), so the account
// lived on and its email could neither sign up nor sign in again.

const WEEK = 7 * 86_400;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function expectRefused(response: LightMyRequestResponse) {
  expect(response.statusCode, response.body).toBe(401);
  expect(response.json()).toEqual({
    detail: "invalid token",
    status_code: 401,
    error_type: "unauthorized",
  });
}

let t: TestApp;
let db: pg.Pool;
beforeAll(async () => {
  t = await createTestApp();
  db = new pg.Pool({ connectionString: t.databaseUrl, max: 2 });
});
afterAll(async () => {
  await db.end();
  await t.close();
});

const userRows = async (id: string) =>
  (await db.query('SELECT id, email FROM "user" WHERE id = $1', [id])).rows;

/** A user with a row and a task, and the week-long token that made them. */
async function activeUser(id: string) {
  const token = await t.token(id, { email: `${id}@example.com`, name: id, expiresIn: WEEK });
  const created = await t.app.inject({
    method: "POST",
    url: "/api/tasks",
    payload: { title: "mine" },
    headers: bearer(token),
  });
  expect(created.statusCode, created.body).toBe(201);
  return token;
}

/** What Better Auth's delete-user does to the database: the row goes, its data cascades. */
const deleteAccount = (id: string) => db.query('DELETE FROM "user" WHERE id = $1', [id]);

describe("a deleted account", () => {
  it("leaves a tombstone (id and deletion time), whoever deletes the row", async () => {
    await activeUser("tomb-1");
    const before = Date.now();
    await deleteAccount("tomb-1");
    const { rows } = await db.query<{ user_id: string; deleted_at: Date }>(
      "SELECT user_id, deleted_at FROM deleted_user WHERE user_id = $1",
      ["tomb-1"],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.deleted_at.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it("does not come back through its still-valid token (the token the API already knows)", async () => {
    const token = await activeUser("revenant-1");
    await deleteAccount("revenant-1");

    const write = await t.app.inject({
      method: "POST",
      url: "/api/tasks",
      payload: { title: "I am back" },
      headers: bearer(token),
    });
    expectRefused(write);
    expect(await userRows("revenant-1")).toEqual([]);
    // And from then on the token is refused for reads too.
    expectRefused(await t.app.inject({ method: "GET", url: "/api/tasks", headers: bearer(token) }));
    expect(await userRows("revenant-1")).toEqual([]);
  });

  it("refuses any token of the account the API sees after the deletion, whatever its exp", async () => {
    await activeUser("revenant-2");
    await deleteAccount("revenant-2");
    const tokens = [
      await t.token("revenant-2", {
        email: "revenant-2@example.com",
        expiresIn: 10 * 365 * 86_400,
      }),
      await t.token("revenant-2"),
      await t.hs256({ sub: "revenant-2", email: "revenant-2@example.com" }),
    ];
    for (const token of tokens) {
      for (const request of [
        { method: "GET", url: "/api/tasks" },
        { method: "GET", url: "/api/stats" },
        { method: "POST", url: "/api/tasks", payload: { title: "again" } },
        { method: "GET", url: "/api/revenant-2/tasks" },
      ] as const) {
        expectRefused(await t.app.inject({ ...request, headers: bearer(token) }));
      }
    }
    expect(await userRows("revenant-2")).toEqual([]);
  });

  it("is refused by another API process that never saw it", async () => {
    const token = await activeUser("revenant-3");
    await deleteAccount("revenant-3");
    const other = await createTestApp({ databaseUrl: () => t.databaseUrl });
    try {
      // Tokens of the other app's own JWKS: same subject, a key that process trusts.
      const fresh = await other.token("revenant-3", { email: "revenant-3@example.com" });
      expectRefused(
        await other.app.inject({ method: "GET", url: "/api/tasks", headers: bearer(fresh) }),
      );
      expect(token).not.toBe(fresh);
    } finally {
      await other.close();
    }
    expect(await userRows("revenant-3")).toEqual([]);
  });

  it("leaves other users alone", async () => {
    const token = await activeUser("bystander");
    await activeUser("revenant-4");
    await deleteAccount("revenant-4");
    const list = await t.app.inject({ method: "GET", url: "/api/tasks", headers: bearer(token) });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toHaveLength(1);
  });
});
