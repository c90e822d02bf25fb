import { createDatabase } from "@tasklane/db/client";
import * as schema from "@tasklane/db/schema";
import { createTestDatabase, type TestDatabase, withPgClient } from "@tasklane/db/testing";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Auth, CLIENT_ADDRESS_HEADER, initAuth } from "./index";

// Better Auth's own routes, as the web app mounts them, against a real database: what they let
// a client do that only the UI used to prevent.

const BASE_URL = "http://localhost:3000";

let database: TestDatabase;
let closePool: () => Promise<void>;
let auth: Auth;
beforeAll(async () => {
  database = await createTestDatabase();
  const { db, pool } = createDatabase(database.url, { max: 3 });
  closePool = () => pool.end();
  auth = initAuth({
    baseUrl: BASE_URL,
    secret: "auth-package-test-secret-0123456789abcdef",
    db,
    schema,
  });
});
afterAll(async () => {
  await closePool();
  await database.drop();
});

let clients = 0;
/** A client address of its own for each account, so the tests' sign-ups never share a bucket. */
const newClientAddress = () => `198.51.100.${++clients}`;

function call(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return auth.handler(
    new Request(`${BASE_URL}/api/auth${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: BASE_URL, ...headers },
      body: JSON.stringify(body),
    }),
  );
}

/** Signs up a new account; returns its session cookie and id. */
async function signUp(email: string, password: string) {
  const address = newClientAddress();
  const response = await call(
    "/sign-up/email",
    { email, password, name: "Someone" },
    { [CLIENT_ADDRESS_HEADER]: address },
  );
  expect(response.status, await response.clone().text()).toBe(200);
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  const { user } = (await response.json()) as { user: { id: string } };
  return { cookie, userId: user.id, address };
}

const userExists = (id: string) =>
  withPgClient(
    database.url,
    async (client) => (await client.query('SELECT 1 FROM "user" WHERE id = $1', [id])).rowCount,
  );

describe("deleting an account", () => {
  it("needs the password, even with a session minutes old", async () => {
    const { cookie, userId, address } = await signUp("delete-me@example.com", "a-good-password-1");
    const headers = { cookie, [CLIENT_ADDRESS_HEADER]: address };
    for (const body of [{}, { password: "" }, { callbackURL: "/" }, { token: "guess" }]) {
      const response = await call("/delete-user", body, headers);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await userExists(userId)).toBe(1);
    }
  });

  it("refuses a wrong password", async () => {
    const { cookie, userId, address } = await signUp("wrong-pw@example.com", "a-good-password-2");
    const response = await call(
      "/delete-user",
      { password: "not-the-password" },
      { cookie, [CLIENT_ADDRESS_HEADER]: address },
    );
    expect(response.status).toBe(400);
    expect(await userExists(userId)).toBe(1);
  });

  it("deletes with the password, and the database keeps a tombstone", async () => {
    const { cookie, userId, address } = await signUp("right-pw@example.com", "a-good-password-3");
    const response = await call(
      "/delete-user",
      { password: "a-good-password-3" },
      { cookie, [CLIENT_ADDRESS_HEADER]: address },
    );
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await userExists(userId)).toBe(0);
    const tombstones = await withPgClient(
      database.url,
      async (client) =>
        (await client.query("SELECT 1 FROM deleted_user WHERE user_id = $1", [userId])).rowCount,
    );
    expect(tombstones).toBe(1);
  });

  it("needs a session at all", async () => {
    const response = await call("/delete-user", { password: "a-good-password-3" });
    expect(response.status).toBe(401);
  });
});

/** A request with a client address of its own, so sign-up limits never get in the way. */
const fromNewClient = (headers: Record<string, string> = {}) => ({
  ...headers,
  [CLIENT_ADDRESS_HEADER]: newClientAddress(),
});

describe("new passwords", () => {
  it.each([
    "12345678",
    "        ",
    " \t \t \t \t",
    "password123",
    "Password123",
    "qwertyuiop",
    "sunshine",
    "trustno1",
  ])("refuses %j at sign-up", async (password) => {
    const email = `weak-${newClientAddress().replaceAll(".", "-")}@example.com`;
    const response = await call(
      "/sign-up/email",
      { email, password, name: "Weak" },
      fromNewClient(),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe("PASSWORD_TOO_WEAK");
    const rows = await withPgClient(
      database.url,
      async (client) =>
        (await client.query('SELECT 1 FROM "user" WHERE email = $1', [email])).rowCount,
    );
    expect(rows).toBe(0);
  });

  it("refuses a common one as the new password of a change", async () => {
    const { cookie, address } = await signUp("changer@example.com", "a-good-password-4");
    const headers = { cookie, [CLIENT_ADDRESS_HEADER]: address };
    const weak = await call(
      "/change-password",
      { currentPassword: "a-good-password-4", newPassword: "iloveyou1" },
      headers,
    );
    expect(weak.status).toBe(400);
    const strong = await call(
      "/change-password",
      { currentPassword: "a-good-password-4", newPassword: "another-good-password-5" },
      headers,
    );
    expect(strong.status, await strong.clone().text()).toBe(200);
  });
});

describe("profile fields", () => {
  it("refuses a name too long for a token at sign-up", async () => {
    for (const length of [101, 100_000]) {
      const response = await call(
        "/sign-up/email",
        {
          email: `long-${length}@example.com`,
          password: "a-good-password-6",
          name: "n".repeat(length),
        },
        fromNewClient(),
      );
      expect(response.status).toBe(400);
      expect(((await response.json()) as { code: string }).code).toBe("FIELD_TOO_LONG");
    }
  });

  it("refuses a long name or image in an update, and takes 100 characters", async () => {
    const { cookie, address, userId } = await signUp("renamer@example.com", "a-good-password-7");
    const headers = { cookie, [CLIENT_ADDRESS_HEADER]: address };
    expect((await call("/update-user", { name: "n".repeat(101) }, headers)).status).toBe(400);
    expect(
      (await call("/update-user", { image: `https://x.example/${"i".repeat(3000)}` }, headers))
        .status,
    ).toBe(400);
    expect((await call("/update-user", { name: "n".repeat(100) }, headers)).status).toBe(200);
    const names = await withPgClient(
      database.url,
      async (client) =>
        (await client.query('SELECT name FROM "user" WHERE id = $1', [userId])).rows,
    );
    expect(names).toEqual([{ name: "n".repeat(100) }]);
  });
});

describe("API tokens", () => {
  it("live 5 minutes, so one outlives sign-out by at most that", async () => {
    const { cookie, address } = await signUp("token-life@example.com", "a-good-password-8");
    const response = await auth.handler(
      new Request(`${BASE_URL}/api/auth/token`, {
        headers: { cookie, [CLIENT_ADDRESS_HEADER]: address },
      }),
    );
    expect(response.status).toBe(200);
    const { token } = (await response.json()) as { token: string };
    const { iat, exp } = decodeJwt(token);
    expect((exp ?? 0) - (iat ?? 0)).toBe(300);
  });
});

describe("sign-in rate limit", () => {
  it("is not dodged by sending a different X-Forwarded-For with each attempt", async () => {
    await signUp("target@example.com", "the-real-password-9");
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 30; attempt++) {
      const response = await call(
        "/sign-in/email",
        { email: "target@example.com", password: `guess-${attempt}` },
        { "x-forwarded-for": `203.0.113.${attempt + 1}` },
      );
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual(Array(27).fill(429));
  });

  it("is kept per client address, as the web server sets it from the socket", async () => {
    await signUp("per-client@example.com", "the-real-password-8");
    for (let client = 0; client < 5; client++) {
      const address = newClientAddress();
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 4; attempt++) {
        const response = await call(
          "/sign-in/email",
          { email: "per-client@example.com", password: `guess-${attempt}` },
          { [CLIENT_ADDRESS_HEADER]: address },
        );
        statuses.push(response.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
    }
  });
});
