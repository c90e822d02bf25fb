import { withPgClient } from "@tasklane/db/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { addTask, newAccount, newContext, saveScreenshot, signIn, signUp } from "./support/browser";
import { setUpStackAndBrowser } from "./support/stack-and-browser";

const running = setUpStackAndBrowser();

/** Runs one query against the stack's database. */
async function query<Row extends Record<string, unknown>>(
  text: string,
  values: unknown[] = [],
): Promise<Row[]> {
  return withPgClient(
    running.stack.databaseUrl,
    async (client) => (await client.query(text, values)).rows,
  );
}

describe("signing up and in", () => {
  const owner = newAccount("Owner");

  beforeAll(async () => {
    const context = await newContext(running.browser);
    await signUp(await context.newPage(), running.stack.webUrl, owner);
    await context.close();
  });

  it("sends a signed-out visitor to sign-in, and back to the page afterwards", async () => {
    const context = await newContext(running.browser);
    const page = await context.newPage();
    await page.goto(`${running.stack.webUrl}/stats`);
    expect(page.url()).toBe(`${running.stack.webUrl}/sign-in?next=%2Fstats`);
    await signIn(page, running.stack.webUrl, owner);
    expect(page.url()).toBe(`${running.stack.webUrl}/stats`);
    // A signed-in person has no business on the sign-in page.
    await page.goto(`${running.stack.webUrl}/sign-in`);
    expect(new URL(page.url()).pathname).toBe("/");
    await context.close();
  });

  it("explains a taken email, a weak password and a wrong password", async () => {
    const context = await newContext(running.browser);
    const page = await context.newPage();

    await page.goto(`${running.stack.webUrl}/sign-up`);
    await page.getByLabel("Name").fill("Someone");
    await page.getByLabel("Email").fill("someone@example.com");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect
      .poll(() => page.locator("#password-error").textContent())
      .toBe("Choose a password of at least 8 characters.");
    expect(await page.getByLabel("Password").getAttribute("aria-invalid")).toBe("true");

    await page.getByLabel("Email").fill(owner.email);
    await page.getByLabel("Password").fill("a-long-enough-password");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect
      .poll(() => page.locator("#email-error").textContent())
      .toBe("An account with this email already exists. Sign in instead, or use another email.");

    await page.goto(`${running.stack.webUrl}/sign-in`);
    await page.getByLabel("Email").fill(owner.email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect
      .poll(() => page.locator("#password-error").textContent())
      .toBe("Wrong email or password. Check both and try again.");
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await context.close();
  });

  it("goes back to sign-in when the session is revoked, expired or forged", async () => {
    const context = await newContext(running.browser);
    const page = await context.newPage();
    await signIn(page, running.stack.webUrl, owner);
    await page.getByRole("heading", { name: "No tasks yet" }).waitFor();

    // Revoked (or expired) on the server while the page is open: the API token still works for
    // up to 5 minutes, so make the API refuse it as it would after expiry. The app fetches a
    // new token, which the revoked session cannot get, and goes to sign-in.
    await query('DELETE FROM "session"');
    await page.route(`${running.stack.apiUrl}/api/**`, (route) =>
      route.fulfill({
        status: 401,
        contentType: "application/json",
        headers: { "access-control-allow-origin": running.stack.webUrl },
        body: JSON.stringify({
          detail: "token expired",
          status_code: 401,
          error_type: "unauthorized",
        }),
      }),
    );
    await page.getByLabel("Search tasks").fill("anything");
    await page.waitForURL(/\/sign-in\?next=%2F%3Fq%3Danything$/);
    await page.unroute(`${running.stack.apiUrl}/api/**`);

    // A page load with the dead session cookie goes to sign-in too.
    await page.goto(`${running.stack.webUrl}/settings`);
    expect(page.url()).toBe(`${running.stack.webUrl}/sign-in?next=%2Fsettings`);

    // So does a forged cookie.
    const forged = await newContext(running.browser);
    const url = new URL(running.stack.webUrl);
    await forged.addCookies([
      { name: "better-auth.session_token", value: "forged.value", domain: url.hostname, path: "/" },
    ]);
    const forgedPage = await forged.newPage();
    await forgedPage.goto(`${running.stack.webUrl}/`);
    expect(new URL(forgedPage.url()).pathname).toBe("/sign-in");
    await forged.close();
    await context.close();
  });

  it("deletes the account and its tasks from the settings page", async () => {
    const leaver = newAccount("Leaver");
    const context = await newContext(running.browser);
    const page = await context.newPage();
    await signUp(page, running.stack.webUrl, leaver);
    await addTask(page, "Soon gone");
    await addTask(page, "Also gone");
    const [user] = await query<{ id: string }>('SELECT id FROM "user" WHERE email = $1', [
      leaver.email,
    ]);
    expect(await query("SELECT id FROM task WHERE user_id = $1", [user?.id])).toHaveLength(2);

    await page.getByRole("link", { name: "Settings", exact: true }).click();
    await page.getByLabel("Your password").fill("wrong-password");
    await page.getByRole("button", { name: "Delete my account and all my tasks" }).click();
    await expect
      .poll(() => page.locator("#delete-password-error").textContent())
      .toBe("That password is not correct.");

    await page.getByLabel("Your password").fill(leaver.password);
    await page.getByRole("button", { name: "Delete my account and all my tasks" }).click();
    await page.waitForURL(`${running.stack.webUrl}/sign-in?notice=account-deleted`);
    await page.getByText("Your account and all its tasks have been deleted.").waitFor();
    expect(await query("SELECT id FROM task WHERE user_id = $1", [user?.id])).toHaveLength(0);
    expect(await query('SELECT id FROM "user" WHERE id = $1', [user?.id])).toHaveLength(0);
    await context.close();
  });

  // Last in this file: it uses up this client's sign-in allowance for a few seconds.
  it("keeps Better Auth's rate limit on sign-in, with a clear message", async () => {
    const context = await newContext(running.browser);
    const page = await context.newPage();
    await page.goto(`${running.stack.webUrl}/sign-in`);
    await page.getByLabel("Email").fill(owner.email);
    await page.getByLabel("Password").fill("guessing-again");
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("button", { name: "Sign in" }).waitFor();
      if (await page.getByText(/Too many attempts/).count()) break;
    }
    await expect
      .poll(() => page.locator(".alert").textContent())
      .toMatch(/^Too many attempts\. Wait \d+ seconds? and try again\.$/);
    await saveScreenshot(page, "sign-in-rate-limited-desktop");
    await context.close();
  });
});
