import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  addTask,
  newAccount,
  newContext,
  PHONE,
  saveScreenshot,
  signUp,
  taskRow,
  waitForToastsToGo,
} from "./support/browser";
import { localDate } from "./support/dates";
import { setUpStackAndBrowser } from "./support/stack-and-browser";

const running = setUpStackAndBrowser();

const titles = (page: Page) => page.locator(".task-title").allTextContents();

describe("when things fail", () => {
  it("shows an error, not a blank page, while the API is down, and recovers on retry", async () => {
    const context = await newContext(running.browser);
    const page = await context.newPage();
    await signUp(page, running.stack.webUrl, newAccount("Outage"));
    await addTask(page, "Survives the outage");

    await running.stack.stopApi();
    try {
      await page.reload();
      const alert = page.locator(".alert[role=alert]");
      await expect.poll(() => alert.textContent()).toMatch(/Can't reach the task server/);
      // The rest of the page is still there.
      await page.getByRole("link", { name: "Stats", exact: true }).waitFor();
      await saveScreenshot(page, "api-down-desktop");

      await page.getByRole("link", { name: "Stats", exact: true }).click();
      await expect.poll(() => alert.textContent()).toMatch(/Can't reach the task server/);

      await page.getByRole("link", { name: "Tasks", exact: true }).click();
      await page.getByRole("button", { name: "Retry" }).waitFor();
    } finally {
      await running.stack.startApi();
    }
    await page.getByRole("button", { name: "Retry" }).click();
    await expect.poll(() => titles(page)).toEqual(["Survives the outage"]);
    await context.close();
  });

  it("rolls back a completion the API refuses, with a message", async () => {
    const context = await newContext(running.browser);
    const page = await context.newPage();
    await signUp(page, running.stack.webUrl, newAccount("Rollback"));
    await addTask(page, "Stubborn task");
    await page.route("**/complete", (route) =>
      route.fulfill({
        status: 500,
        contentType: "application/json",
        headers: { "access-control-allow-origin": running.stack.webUrl },
        body: JSON.stringify({
          detail: "internal error",
          status_code: 500,
          error_type: "internal_error",
        }),
      }),
    );
    const checkbox = taskRow(page, "Stubborn task").getByRole("checkbox");
    await checkbox.click();
    await page.getByText(/Could not update “Stubborn task”/).waitFor();
    expect(await checkbox.isChecked()).toBe(false);
    await context.close();
  });
});

describe("keyboard only", () => {
  it("creates, completes and edits a task without a mouse", async () => {
    const context = await newContext(running.browser);
    const page = await context.newPage();
    await signUp(page, running.stack.webUrl, newAccount("Keys"));
    await page.getByRole("heading", { name: "No tasks yet" }).waitFor();

    const focused = () =>
      page.evaluate(() => {
        const element = document.activeElement;
        return element?.getAttribute("aria-label") || element?.id || element?.textContent || "";
      });
    /** Presses Tab until the element described `description` has focus. */
    const tabTo = async (description: string) => {
      for (let presses = 0; presses < 40; presses += 1) {
        if ((await focused()) === description) return;
        await page.keyboard.press("Tab");
      }
      throw new Error(`Tab never reached ${description}`);
    };

    // The first Tab reaches the skip link, which leads into the page.
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("Skip to content");
    await page.keyboard.press("Enter");
    await tabTo("quick-add-title");
    await page.keyboard.type("Typed, never clicked");
    await page.keyboard.press("Enter");
    await taskRow(page, "Typed, never clicked").waitFor();
    expect(await focused()).toBe("quick-add-title");

    await tabTo("Complete “Typed, never clicked”");
    await page.keyboard.press("Space");
    await expect
      .poll(() => taskRow(page, "Typed, never clicked").getByRole("checkbox").isChecked())
      .toBe(true);

    await tabTo("Edit “Typed, never clicked”");
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Edit task" });
    await dialog.waitFor();
    expect(await focused()).toBe("edit-title");
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type("Edited by keyboard");
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "detached" });
    await taskRow(page, "Edited by keyboard").waitFor();
    // Focus went back to where it was.
    expect(await focused()).toBe("Edit “Edited by keyboard”");

    // Escape closes the dialog without saving.
    await page.keyboard.press("Enter");
    await dialog.waitFor();
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    await context.close();
  });
});

describe("on a phone", () => {
  it("fits 375 px without sideways scrolling, and every screen works", async () => {
    const context = await newContext(running.browser, {
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    const fitsWidth = () =>
      page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

    await page.goto(`${running.stack.webUrl}/sign-in`);
    expect(await fitsWidth()).toBe(true);
    await saveScreenshot(page, "sign-in-phone");

    await signUp(page, running.stack.webUrl, newAccount("Phone"));
    for (const title of [
      "Renew the passport before the summer trip",
      "Water the plants",
      "Book the dentist",
    ]) {
      await addTask(page, title);
    }
    await taskRow(page, "Renew the passport before the summer trip")
      .getByRole("button", { name: /^Edit/ })
      .tap();
    const dialog = page.getByRole("dialog", { name: "Edit task" });
    await dialog.getByLabel("Priority").selectOption("high");
    await dialog.getByLabel("Category").selectOption("personal");
    await dialog.getByLabel("Tags").fill("travel, paperwork");
    await dialog.getByLabel("Due date").fill(localDate(5));
    expect(await fitsWidth()).toBe(true);
    await saveScreenshot(page, "edit-task-phone");
    await dialog.getByRole("button", { name: "Save changes" }).tap();
    await dialog.waitFor({ state: "detached" });

    await taskRow(page, "Water the plants").getByRole("button", { name: /^Edit/ }).tap();
    await dialog.getByLabel("Due date").fill(localDate(-1));
    await dialog.getByRole("button", { name: "Save changes" }).tap();
    await dialog.waitFor({ state: "detached" });
    await taskRow(page, "Book the dentist").getByRole("checkbox").tap();
    await expect
      .poll(() => taskRow(page, "Water the plants").locator(".due").textContent())
      .toBe("1 day overdue");
    await waitForToastsToGo(page);
    expect(await fitsWidth()).toBe(true);
    await saveScreenshot(page, "tasks-phone");

    await page.getByRole("button", { name: /^Filters and sorting/ }).tap();
    expect(await fitsWidth()).toBe(true);
    await saveScreenshot(page, "filters-phone");

    await page.getByRole("link", { name: "Stats", exact: true }).tap();
    await page.getByRole("heading", { name: "By category" }).waitFor();
    expect(await fitsWidth()).toBe(true);
    await saveScreenshot(page, "stats-phone");

    await page.getByRole("link", { name: "Settings", exact: true }).tap();
    await page.getByRole("heading", { name: "Delete account" }).waitFor();
    expect(await fitsWidth()).toBe(true);
    await context.close();
  });

  it("follows the system's dark theme", async () => {
    const context = await newContext(running.browser, { colorScheme: "dark" });
    const page = await context.newPage();
    await signUp(page, running.stack.webUrl, newAccount("Night"));
    await addTask(page, "Read under the stars");
    await addTask(page, "Finish the chapter");
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe("rgb(15, 17, 21)");
    await waitForToastsToGo(page);
    await saveScreenshot(page, "tasks-dark-desktop");
    await context.close();
  });
});
