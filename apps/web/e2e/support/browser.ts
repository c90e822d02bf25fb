import { mkdirSync } from "node:fs";
import path from "node:path";
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from "playwright-core";
import { chromiumExecutable } from "../../../../scripts/test/browser";
import { webRoot } from "../../scripts/ensure-build";

/** Headless Debian Chromium as root on a machine without internet: no sandbox, no phoning home. */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
export const SCREENSHOT_DIR = path.resolve(webRoot, "../../docs/screenshots");

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 740 };

/** CHROMIUM_PATH, the system's Chromium or Chrome, or Playwright's (scripts/test/browser.ts). */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = await chromiumExecutable();
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

export const TIME_ZONE = "Europe/Paris";

/** A fresh browser profile (its own cookies), in a fixed time zone and locale. */
export async function newContext(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: DESKTOP,
    timezoneId: TIME_ZONE,
    locale: "en-US",
    colorScheme: "light",
    ...options,
  });
  context.setDefaultTimeout(15_000);
  return context;
}

export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // From the top of the page, with transitions run to their end, so pictures are stable.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({
    path: path.join(SCREENSHOT_DIR, `${name}.png`),
    animations: "disabled",
  });
}

let accounts = 0;

export interface Account {
  name: string;
  email: string;
  password: string;
}

export function newAccount(name: string): Account {
  accounts += 1;
  const email = `${name.toLowerCase()}.${Date.now().toString(36)}${accounts}@example.com`;
  return { name, email, password: `pw-${name}-correct-horse` };
}

/**
 * Submits an auth form and, when Better Auth's rate limit (3 sign-ins or sign-ups per 10 s per
 * client) answers, waits as the message says and submits again.
 */
async function submitAuthForm(page: Page, button: string, leaves: string): Promise<void> {
  for (let attempt = 0; attempt < 4; attempt += 1) {
    await page.getByRole("button", { name: button }).click();
    const outcome = await Promise.race([
      page.waitForURL((url) => !url.pathname.startsWith(leaves)).then(() => "done" as const),
      page
        .getByText(/Too many attempts/)
        .waitFor()
        .then(() => "limited" as const),
    ]);
    if (outcome === "done") return;
    const text = (await page.getByText(/Too many attempts/).textContent()) ?? "";
    const seconds = Number(/Wait (\d+)/.exec(text)?.[1] ?? 10);
    await page.waitForTimeout((seconds + 1) * 1000);
  }
  throw new Error(`${button}: still rate limited`);
}

export async function signUp(page: Page, baseUrl: string, account: Account): Promise<void> {
  await page.goto(`${baseUrl}/sign-up`);
  await page.getByLabel("Name").fill(account.name);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await submitAuthForm(page, "Create account", "/sign-up");
}

/** Signs in on the sign-in page the browser is on (or opens it). */
export async function signIn(page: Page, baseUrl: string, account: Account): Promise<void> {
  if (!new URL(page.url(), baseUrl).pathname.startsWith("/sign-in")) {
    await page.goto(`${baseUrl}/sign-in`);
  }
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await submitAuthForm(page, "Sign in", "/sign-in");
}

/** Adds a task with quick add and waits until the API has stored it. */
export async function addTask(page: Page, title: string): Promise<void> {
  await page.getByLabel("New task title").fill(title);
  await page.getByLabel("New task title").press("Enter");
  await savedTaskRow(page, title).waitFor();
}

/** The list item of the task titled `title` (shown at once, while it is being saved too). */
export function taskRow(page: Page, title: string) {
  return page.getByRole("listitem").filter({
    has: page.locator(".task-title", { hasText: new RegExp(`^${escapeRegExp(title)}$`) }),
  });
}

/** The list item of the task titled `title` once the API has stored it (it then has an id). */
export function savedTaskRow(page: Page, title: string) {
  return taskRow(page, title).and(page.locator("[data-task-id]"));
}

/** Waits until every message (toast) has gone by itself. */
export async function waitForToastsToGo(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector(".toast") === null, null, {
    timeout: 20_000,
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
