import { withPgClient } from "@tasklane/db/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { newAccount, newContext, signIn, signUp } from "./support/browser";
import { setUpStackAndBrowser } from "./support/stack-and-browser";

// Attacks from issue 10, tried against the real stack (the production web build, the API, a
// real Chromium), each of which used to work.

const running = setUpStackAndBrowser();

async function query<Row extends Record<string, unknown>>(
  text: string,
  values: unknown[] = [],
): Promise<Row[]> {
  return withPgClient(
    running.stack.databaseUrl,
    async (client) => (await client.query(text, values)).rows,
  );
}

/** POSTs to Better Auth's route as a script (not the app's own page) would. */
function authPost(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${running.stack.webUrl}/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: running.stack.webUrl, ...headers },
    body: JSON.stringify(body),
  });
}

const sessionCookie = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");

describe("?next= on the auth pages", () => {
  const visitor = newAccount("Visitor");
  beforeAll(async () => {
    const context = await newContext(running.browser);
    await signUp(await context.newPage(), running.stack.webUrl, visitor);
    await context.close();
  });

  const HOSTILE = ["/.//evil.example/", "/%2e//evil.example/", "/a/..//evil.example/"];

  it("does not send a signed-in visitor to another site", async () => {
    const context = await newContext(running.browser);
    const page = await context.newPage();
    await signIn(page, running.stack.webUrl, visitor);
    for (const next of HOSTILE) {
      for (const form of ["sign-in", "sign-up"]) {
        await page.goto(`${running.stack.webUrl}/${form}?next=${encodeURIComponent(next)}`);
        const landed = new URL(page.url());
        expect(landed.origin, `${form} ${next}`).toBe(running.stack.webUrl);
        expect(landed.pathname).toBe("/");
      }
    }
    await context.close();
  });

  it("does not send someone to another site after signing in", async () => {
    const context = await newContext(running.browser);
    const page = await context.newPage();
    // Two of them: each costs a sign-in, and sign-ins are rate limited.
    for (const next of HOSTILE.slice(1)) {
      await page.goto(`${running.stack.webUrl}/sign-in?next=${encodeURIComponent(next)}`);
      await signIn(page, running.stack.webUrl, visitor);
      const landed = new URL(page.url());
      expect(landed.origin, next).toBe(running.stack.webUrl);
      expect(landed.pathname).toBe("/");
      await context.clearCookies();
    }
    await context.close();
  });

  it("answers with a Location on the app itself", async () => {
    const context = await newContext(running.browser);
    await signIn(await context.newPage(), running.stack.webUrl, visitor);
    const cookie = (await context.cookies())
      .map((entry) => `${entry.name}=${entry.value}`)
      .join("; ");
    await context.close();
    for (const next of HOSTILE) {
      const response = await fetch(
        `${running.stack.webUrl}/sign-in?next=${encodeURIComponent(next)}`,
        { headers: { cookie }, redirect: "manual" },
      );
      const location = response.headers.get("location") ?? "";
      expect(new URL(location, running.stack.webUrl).origin, next).toBe(running.stack.webUrl);
    }
  });
});

describe("a deleted account", () => {
  it("is deleted only with its password, and its API token dies with it", async () => {
    const account = newAccount("Deleter");
    const signedUp = await authPost("/sign-up/email", { ...account });
    expect(signedUp.status, await signedUp.clone().text()).toBe(200);
    const cookie = sessionCookie(signedUp);

    const tokenResponse = await fetch(`${running.stack.webUrl}/api/auth/token`, {
      headers: { cookie },
    });
    const { token } = (await tokenResponse.json()) as { token: string };
    const api = (method: string, body?: unknown) =>
      fetch(`${running.stack.apiUrl}/api/tasks`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { "content-type": "application/json" } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    expect((await api("POST", { title: "mine" })).status).toBe(201);

    // The session alone (a stolen cookie, say) cannot delete the account.
    const withoutPassword = await authPost("/delete-user", {}, { cookie });
    expect(withoutPassword.status).toBe(400);
    expect(await query('SELECT id FROM "user" WHERE email = $1', [account.email])).toHaveLength(1);

    const deleted = await authPost("/delete-user", { password: account.password }, { cookie });
    expect(deleted.status, await deleted.clone().text()).toBe(200);
    expect(await query('SELECT id FROM "user" WHERE email = $1', [account.email])).toEqual([]);

    // The token is still within its exp; the account must not come back through it.
    expect((await api("POST", { title: "back from the dead" })).status).toBe(401);
    expect((await api("GET")).status).toBe(401);
    expect(await query('SELECT id FROM "user" WHERE email = $1', [account.email])).toEqual([]);
  });
});

// Last: it uses up this machine's sign-in allowance for a few seconds.
describe("the sign-in rate limit", () => {
  it("answers 429 to 30 wrong passwords, each under another X-Forwarded-For", async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 30; attempt++) {
      const response = await authPost(
        "/sign-in/email",
        { email: "nobody@example.com", password: `guess-number-${attempt}` },
        { "x-forwarded-for": `203.0.113.${attempt + 1}` },
      );
      statuses.push(response.status);
    }
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(27);
  });
});
