import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addTask,
  newAccount,
  newContext,
  saveScreenshot,
  signIn,
  signUp,
  taskRow,
} from "./support/browser";
import { localDate } from "./support/dates";
import { setUpStackAndBrowser } from "./support/stack-and-browser";

const running = setUpStackAndBrowser();

const titles = (page: Page) => page.locator(".task-title").allTextContents();
const search = (page: Page) => new URL(page.url()).searchParams;

describe("one person's tasks, from sign-up to signing in again", () => {
  const ada = newAccount("Ada");
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await newContext(running.browser);
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
  });

  it("signs up and lands on an empty task list", async () => {
    await page.goto(`${running.stack.webUrl}/sign-in`);
    await saveScreenshot(page, "sign-in-desktop");
    await signUp(page, running.stack.webUrl, ada);
    expect(new URL(page.url()).pathname).toBe("/");
    await page.getByRole("heading", { name: "No tasks yet" }).waitFor();
  });

  it("creates tasks with quick add: a title and Enter", async () => {
    for (const title of ["Buy milk", "Write report", "Call the plumber", "Pay rent"]) {
      await addTask(page, title);
    }
    await expect
      .poll(() => titles(page))
      .toEqual(["Pay rent", "Call the plumber", "Write report", "Buy milk"]);
    await expect.poll(() => page.getByLabel("New task title").inputValue()).toBe("");
  });

  it("edits every field of a task", async () => {
    await taskRow(page, "Write report").getByRole("button", { name: /^Edit/ }).click();
    const dialog = page.getByRole("dialog", { name: "Edit task" });
    await dialog.getByLabel("Description").fill("Quarterly numbers for the board");
    await dialog.getByLabel("Status").selectOption("in_progress");
    await dialog.getByLabel("Priority").selectOption("high");
    await dialog.getByLabel("Category").selectOption("work");
    await dialog.getByLabel("Tags").fill("q4, finance");
    await dialog.getByLabel("Due date").fill(localDate(1));
    await saveScreenshot(page, "edit-task-desktop");
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await dialog.waitFor({ state: "detached" });

    const report = taskRow(page, "Write report");
    await expect
      .poll(() => report.textContent())
      .toMatch(/Quarterly numbers.*In progress.*High.*Work.*#q4.*#finance.*Due tomorrow/);

    await taskRow(page, "Pay rent").getByRole("button", { name: /^Edit/ }).click();
    await dialog.getByLabel("Category").selectOption("home");
    await dialog.getByLabel("Priority").selectOption("low");
    await dialog.getByLabel("Due date").fill(localDate(-3));
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await dialog.waitFor({ state: "detached" });
    const rent = taskRow(page, "Pay rent");
    await expect.poll(() => rent.locator(".due").textContent()).toBe("3 days overdue");
    expect(await rent.getAttribute("class")).toContain("task-overdue");
  });

  it("shows the API's 422 message next to the field", async () => {
    await taskRow(page, "Call the plumber").getByRole("button", { name: /^Edit/ }).click();
    const dialog = page.getByRole("dialog", { name: "Edit task" });
    await dialog.getByLabel("Title").fill("   ");
    await dialog.getByLabel("Tags").fill(`ok, ${"x".repeat(51)}`);
    await dialog.getByRole("button", { name: "Save changes" }).click();
    const title = dialog.getByLabel("Title");
    await expect.poll(() => title.getAttribute("aria-invalid")).toBe("true");
    expect(await dialog.locator("#edit-title-error").textContent()).toMatch(/\S/);
    expect(await dialog.locator("#edit-tags-error").textContent()).toMatch(/\S/);
    // The message is tied to the field for screen readers.
    expect(await title.getAttribute("aria-describedby")).toContain("edit-title-error");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(await titles(page)).toContain("Call the plumber");
  });

  it("completes a task with one click, and it stays completed", async () => {
    const checkbox = taskRow(page, "Buy milk").getByRole("checkbox", {
      name: "Complete “Buy milk”",
    });
    const saved = page.waitForResponse(
      (response) => response.url().endsWith("/complete") && response.status() === 200,
    );
    await checkbox.click();
    expect(await checkbox.isChecked()).toBe(true);
    await saved;
    await page.reload();
    await taskRow(page, "Buy milk").waitFor();
    expect(await taskRow(page, "Buy milk").getByRole("checkbox").isChecked()).toBe(true);
  });

  it("filters by status, priority, category, tag and overdue, with the filters in the URL", async () => {
    await page.getByRole("button", { name: "Done", exact: true }).click();
    await expect.poll(() => titles(page)).toEqual(["Buy milk"]);
    expect(search(page).get("status")).toBe("completed");

    // A bookmark of the URL shows the same list.
    const bookmarked = await context.newPage();
    await bookmarked.goto(page.url());
    await expect.poll(() => titles(bookmarked)).toEqual(["Buy milk"]);
    await bookmarked.close();

    await page.getByRole("button", { name: "Active", exact: true }).click();
    await expect.poll(() => titles(page)).toEqual(["Pay rent", "Call the plumber", "Write report"]);

    await page.getByRole("button", { name: /^Filters and sorting/ }).click();
    await page.getByRole("checkbox", { name: "High", exact: true }).check();
    await expect.poll(() => titles(page)).toEqual(["Write report"]);
    expect(search(page).get("priority")).toBe("high");
    await page.getByRole("checkbox", { name: "High", exact: true }).uncheck();

    await page.getByRole("checkbox", { name: "Home", exact: true }).check();
    await expect.poll(() => titles(page)).toEqual(["Pay rent"]);
    await page.getByRole("checkbox", { name: "Home", exact: true }).uncheck();

    await page.getByLabel("Due", { exact: true }).selectOption("overdue");
    // The Home filter just showed the same list: wait for the URL, which the list follows.
    await expect.poll(() => search(page).get("due")).toBe("overdue");
    await expect.poll(() => titles(page)).toEqual(["Pay rent"]);
    expect(search(page).get("due")).toBe("overdue");
    await page.getByLabel("Due", { exact: true }).selectOption("any");

    await page.getByRole("button", { name: "Show tasks tagged finance" }).click();
    await expect.poll(() => titles(page)).toEqual(["Write report"]);
    expect(search(page).get("tag")).toBe("finance");
    await saveScreenshot(page, "tasks-filtered-desktop");

    // Back goes to the previous filters.
    await page.goBack();
    await expect.poll(() => titles(page)).toEqual(["Pay rent", "Call the plumber", "Write report"]);

    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect.poll(() => titles(page)).toHaveLength(4);
    expect(page.url()).toBe(`${running.stack.webUrl}/`);
  });

  it("sorts, and searches as you type", async () => {
    await page.getByLabel("Sort by").selectOption("title");
    await expect
      .poll(() => titles(page))
      .toEqual(["Buy milk", "Call the plumber", "Pay rent", "Write report"]);
    await page.getByLabel("Order").selectOption("desc");
    await expect
      .poll(() => titles(page))
      .toEqual(["Write report", "Pay rent", "Call the plumber", "Buy milk"]);
    expect(search(page).get("sort")).toBe("title");
    expect(search(page).get("order")).toBe("desc");

    await page.getByLabel("Search tasks").pressSequentially("BOARD", { delay: 30 });
    // A busy machine may pause between keys long enough for "BOA" to be searched on its way.
    await expect.poll(() => search(page).get("q")).toBe("BOARD");
    await expect.poll(() => titles(page)).toEqual(["Write report"]);
    expect(search(page).get("q")).toBe("BOARD");
    await page.getByLabel("Search tasks").fill("zzz");
    await page.getByRole("heading", { name: "No tasks match these filters" }).waitFor();
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect.poll(() => titles(page)).toHaveLength(4);
    expect(await page.getByLabel("Search tasks").inputValue()).toBe("");
  });

  it("deletes a task, with undo", async () => {
    await taskRow(page, "Call the plumber")
      .getByRole("button", { name: /^Delete/ })
      .click();
    await expect.poll(() => titles(page)).not.toContain("Call the plumber");
    await page.getByRole("button", { name: "Undo" }).click();
    await taskRow(page, "Call the plumber").waitFor();

    await taskRow(page, "Call the plumber")
      .getByRole("button", { name: /^Delete/ })
      .click();
    await expect.poll(() => titles(page)).not.toContain("Call the plumber");
    await page.reload();
    await taskRow(page, "Buy milk").waitFor();
    expect(await titles(page)).not.toContain("Call the plumber");
    await saveScreenshot(page, "tasks-desktop");
  });

  it("shows statistics from /api/stats", async () => {
    await page.getByRole("link", { name: "Stats", exact: true }).click();
    await page.getByRole("heading", { name: "By category" }).waitFor();
    const count = (label: string) =>
      page.locator(".stat").filter({ hasText: label }).locator("dd").textContent();
    expect(await count("Total")).toBe("3");
    expect(await count("Done")).toBe("1");
    expect(await count("Overdue")).toBe("1");
    expect(await page.getByRole("img", { name: "33% complete" }).count()).toBe(1);
    expect(await page.getByRole("img", { name: "High: 1 of 3 tasks" }).count()).toBe(1);
    expect(await page.getByRole("img", { name: "Home: 1 of 3 tasks" }).count()).toBe(1);
    await saveScreenshot(page, "stats-desktop");
    await page.getByRole("link", { name: "Settings", exact: true }).click();
    await page.getByRole("heading", { name: "Delete account" }).waitFor();
    await saveScreenshot(page, "settings-desktop");
  });

  it("signs out, and signing in again shows the same tasks", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${running.stack.webUrl}/sign-in`);
    await page.goto(`${running.stack.webUrl}/`);
    expect(new URL(page.url()).pathname).toBe("/sign-in");

    await signIn(page, running.stack.webUrl, ada);
    expect(new URL(page.url()).pathname).toBe("/");
    await expect.poll(() => titles(page)).toEqual(["Pay rent", "Write report", "Buy milk"]);
  });
});

describe("two people", () => {
  it("a second user, in another browser context and via 127.0.0.1, sees none of the first's tasks", async () => {
    const first = newAccount("Grace");
    const second = newAccount("Linus");
    const firstContext = await newContext(running.browser);
    const secondContext = await newContext(running.browser);
    try {
      const firstPage = await firstContext.newPage();
      await signUp(firstPage, running.stack.webUrl, first);
      await addTask(firstPage, "Grace's secret plan");

      // The other loopback name: its own cookies, the same trusted origins, the same JWT issuer.
      const secondPage = await secondContext.newPage();
      await signUp(secondPage, running.stack.webUrlByIp, second);
      await secondPage.getByRole("heading", { name: "No tasks yet" }).waitFor();
      await addTask(secondPage, "Linus's task");
      await secondPage.getByLabel("Search tasks").fill("secret");
      await secondPage.getByRole("heading", { name: "No tasks match these filters" }).waitFor();

      await secondPage.goto(`${running.stack.webUrlByIp}/stats`);
      await secondPage.getByRole("heading", { name: "By category" }).waitFor();
      expect(
        await secondPage.locator(".stat").filter({ hasText: "Total" }).locator("dd").textContent(),
      ).toBe("1");

      await firstPage.reload();
      await expect.poll(() => titles(firstPage)).toEqual(["Grace's secret plan"]);
    } finally {
      await firstContext.close();
      await secondContext.close();
    }
  });
});
