import {
  createTasklaneClient,
  DESCRIPTION_MAX_LENGTH,
  type Task,
  TITLE_MAX_LENGTH,
} from "@tasklane/contract";
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { axeViolations } from "./support/axe";
import { newAccount, newContext, savedTaskRow, signUp, taskRow } from "./support/browser";
import { setUpStackAndBrowser } from "./support/stack-and-browser";

const running = setUpStackAndBrowser();

/** The titles of the rows the API has stored, top to bottom. */
const savedTitles = (page: Page) => page.locator("[data-task-id] .task-title").allTextContents();

/** What the element with focus is: its accessible label, else its id, else its text. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement;
    return element?.getAttribute("aria-label") || element?.id || element?.textContent || "";
  });

/** The signed-in person's tasks straight from the API, oldest first. */
async function storedTasks(context: BrowserContext): Promise<Task[]> {
  const response = await context.request.get(`${running.stack.webUrl}/api/auth/token`);
  const { token } = (await response.json()) as { token: string };
  const api = createTasklaneClient({ baseUrl: running.stack.apiUrl, getToken: () => token });
  return (await api.listTasks({ sort: "created_at", order: "asc", limit: 100 })).tasks;
}

async function signedUpPage(name: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(running.browser);
  const page = await context.newPage();
  await signUp(page, running.stack.webUrl, newAccount(name));
  await page.getByRole("heading", { name: "No tasks yet" }).waitFor();
  return { context, page };
}

describe("quick add", () => {
  it("stores a burst of ten titles typed on a slow network whole and in order", async () => {
    const { context, page } = await signedUpPage("Burst");
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 150,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    const titles = [
      "Pick up parcel",
      "Call the bank",
      "Renew passport",
      "Buy birthday card",
      "Book flights",
      "Water the plants",
      "Email the landlord",
      "Fix the bike light",
      "Order printer ink",
      "Plan the weekend",
    ];
    const input = page.getByLabel("New task title");
    await input.click();
    for (const title of titles) {
      await page.keyboard.type(title, { delay: 15 });
      // Enter held for 90 ms: the next title starts while the last save (150 ms each way) is
      // still on its way, as a person typing a list does.
      await page.keyboard.press("Enter", { delay: 90 });
    }
    expect(await input.inputValue()).toBe("");
    // Shown at once, newest first, saved or not.
    expect(await page.locator(".task-title").allTextContents()).toEqual([...titles].reverse());
    expect(await axeViolations(page)).toEqual([]);

    await expect
      .poll(async () => (await storedTasks(context)).map((task) => task.title), { timeout: 30_000 })
      .toEqual(titles);
    await expect.poll(() => savedTitles(page), { timeout: 30_000 }).toEqual([...titles].reverse());
    await context.close();
  });

  it("gives a title the API refuses back to the field, with the reason", async () => {
    const { context, page } = await signedUpPage("Refused");
    await page.route(`${running.stack.apiUrl}/api/tasks`, (route) =>
      route.request().method() === "POST"
        ? route.fulfill({
            status: 503,
            contentType: "application/json",
            headers: { "access-control-allow-origin": running.stack.webUrl },
            body: JSON.stringify({
              detail: "database unavailable",
              status_code: 503,
              error_type: "service_unavailable",
            }),
          })
        : route.fallback(),
    );
    const input = page.getByLabel("New task title");
    await input.fill("Not lost");
    await input.press("Enter");
    await expect
      .poll(() => page.locator("#quick-add-error").textContent())
      .toMatch(/^Could not add “Not lost”: /);
    expect(await input.inputValue()).toBe("Not lost");
    expect(await input.getAttribute("aria-describedby")).toBe("quick-add-error");
    // And it is not shown as added.
    expect(await taskRow(page, "Not lost").count()).toBe(0);

    await page.unroute(`${running.stack.apiUrl}/api/tasks`);
    await input.press("Enter");
    await savedTaskRow(page, "Not lost").waitFor();
    await context.close();
  });

  it("takes titles and descriptions as long as the contract allows, and no longer", async () => {
    const { context, page } = await signedUpPage("Limits");
    const input = page.getByLabel("New task title");
    expect(await input.getAttribute("maxlength")).toBe(String(TITLE_MAX_LENGTH));
    const longest = "x".repeat(TITLE_MAX_LENGTH);
    await input.fill(longest);
    await input.press("y");
    expect(await input.inputValue()).toBe(longest);
    await input.press("Enter");
    await savedTaskRow(page, longest).waitFor();
    expect((await storedTasks(context)).map((task) => task.title)).toEqual([longest]);

    await savedTaskRow(page, longest).getByRole("button", { name: /^Edit/ }).click();
    const dialog = page.getByRole("dialog", { name: "Edit task" });
    expect(await dialog.getByLabel("Title").getAttribute("maxlength")).toBe(
      String(TITLE_MAX_LENGTH),
    );
    expect(await dialog.getByLabel("Description").getAttribute("maxlength")).toBe(
      String(DESCRIPTION_MAX_LENGTH),
    );
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});

describe("deleting by keyboard", () => {
  it("moves focus to the next task, and Ctrl+Z undoes the delete", async () => {
    const { context, page } = await signedUpPage("Deleter");
    const input = page.getByLabel("New task title");
    for (const title of ["First", "Second", "Third"]) {
      await input.fill(title);
      await input.press("Enter");
      await savedTaskRow(page, title).waitFor();
    }
    // Newest first: Third, Second, First.
    await savedTaskRow(page, "Second")
      .getByRole("button", { name: /^Delete/ })
      .focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => savedTitles(page)).toEqual(["Third", "First"]);
    expect(await focused(page)).toBe("Delete “First”");

    const toast = page.getByRole("status").filter({ hasText: "Deleted “Second”." });
    await toast.waitFor();
    expect(await toast.textContent()).toContain("Ctrl+Z");
    expect(
      await toast.getByRole("button", { name: "Undo" }).getAttribute("aria-keyshortcuts"),
    ).toBe("Control+Z");
    expect(await axeViolations(page)).toEqual([]);

    await page.keyboard.press("ControlOrMeta+z");
    await savedTaskRow(page, "Second").waitFor();
    expect((await storedTasks(context)).map((task) => task.title).sort()).toEqual([
      "First",
      "Second",
      "Third",
    ]);

    // The last row: focus goes to the one before it. The only row: to the heading.
    await expect.poll(() => savedTitles(page)).toEqual(["Second", "Third", "First"]);
    await savedTaskRow(page, "First")
      .getByRole("button", { name: /^Delete/ })
      .focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => savedTitles(page)).toEqual(["Second", "Third"]);
    expect(await focused(page)).toBe("Delete “Third”");
    await page.keyboard.press("Enter");
    await expect.poll(() => savedTitles(page)).toEqual(["Second"]);
    expect(await focused(page)).toBe("Delete “Second”");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "No tasks yet" }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
    expect(await focused(page)).toBe("Tasks");
    await context.close();
  });
});
