import { execFile, spawn } from "node:child_process";
import { constants } from "node:fs";
import { access, readdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { chromium } from "playwright-core";

/** Where Debian, Ubuntu, Google and macOS put Chromium or Chrome. */
export const SYSTEM_CHROMIUM_PATHS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome-stable",
  "/usr/bin/google-chrome",
  "/opt/google/chrome/chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];

/** Executables inside a Playwright cache's `chromium-<revision>` or headless-shell folders. */
const PLAYWRIGHT_EXECUTABLES: Record<string, string[]> = {
  chromium: [
    "chrome-linux64/chrome",
    "chrome-linux/chrome",
    "chrome-mac-arm64/Chromium.app/Contents/MacOS/Chromium",
    "chrome-mac/Chromium.app/Contents/MacOS/Chromium",
  ],
  chromium_headless_shell: [
    "chrome-headless-shell-linux64/chrome-headless-shell",
    "chrome-linux/headless_shell",
    "chrome-headless-shell-mac-arm64/chrome-headless-shell",
    "chrome-mac/headless_shell",
  ],
};

export const NO_BROWSER_MESSAGE =
  "No Chromium for the browser tests: set CHROMIUM_PATH to one, install it " +
  "(Debian/Ubuntu: `sudo apt-get install chromium`), or run `npx playwright-core install chromium`.";

export interface BrowserSearch {
  env: NodeJS.ProcessEnv;
  systemPaths: string[];
  /** Playwright browser caches, in order. */
  playwrightCaches: string[];
  /** The executable this playwright-core version would download, looked at before other revisions. */
  playwrightExecutable?: string;
}

export interface FoundBrowser {
  path: string;
  /** Where it was found, for the log. */
  source: string;
}

/** Playwright's own cache folder: PLAYWRIGHT_BROWSERS_PATH, else the platform's default. */
export function defaultPlaywrightCaches(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.PLAYWRIGHT_BROWSERS_PATH && env.PLAYWRIGHT_BROWSERS_PATH !== "0") {
    return [env.PLAYWRIGHT_BROWSERS_PATH];
  }
  const home = os.homedir();
  if (process.platform === "darwin") return [path.join(home, "Library/Caches/ms-playwright")];
  return [path.join(env.XDG_CACHE_HOME || path.join(home, ".cache"), "ms-playwright")];
}

export function defaultSearch(env: NodeJS.ProcessEnv = process.env): BrowserSearch {
  return {
    env,
    systemPaths: SYSTEM_CHROMIUM_PATHS,
    playwrightCaches: defaultPlaywrightCaches(env),
    playwrightExecutable: chromium.executablePath(),
  };
}

/**
 * The first Chromium of: CHROMIUM_PATH (which must then be one), the system's usual places, and
 * Playwright's cache (this version's revision, then the newest other, full Chromium before the
 * headless shell).
 */
export async function findChromium(search: BrowserSearch): Promise<FoundBrowser | undefined> {
  const configured = search.env.CHROMIUM_PATH;
  if (configured) {
    if (await isExecutable(configured)) return { path: configured, source: "CHROMIUM_PATH" };
    throw new Error(`CHROMIUM_PATH=${configured} is not an executable file.`);
  }
  for (const candidate of search.systemPaths) {
    if (await isExecutable(candidate)) return { path: candidate, source: "the system" };
  }
  if (search.playwrightExecutable && (await isExecutable(search.playwrightExecutable))) {
    return { path: search.playwrightExecutable, source: "Playwright's cache" };
  }
  for (const cache of search.playwrightCaches) {
    for (const candidate of await cachedExecutables(cache)) {
      if (await isExecutable(candidate)) return { path: candidate, source: "Playwright's cache" };
    }
  }
  return undefined;
}

async function cachedExecutables(cache: string): Promise<string[]> {
  const entries = await readdir(cache).catch(() => [] as string[]);
  const candidates: string[] = [];
  for (const [kind, executables] of Object.entries(PLAYWRIGHT_EXECUTABLES)) {
    const revisions = entries
      .map((entry) => new RegExp(`^${kind}-(\\d+)$`).exec(entry))
      .filter((match) => match !== null)
      .sort((a, b) => Number(b[1]) - Number(a[1]));
    for (const [folder] of revisions) {
      for (const executable of executables) candidates.push(path.join(cache, folder, executable));
    }
  }
  return candidates;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** What to do without a browser: root with apt-get installs Debian's; anyone else is told how. */
export async function canInstallWithApt(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  return promisify(execFile)("apt-get", ["--version"]).then(
    () => true,
    () => false,
  );
}

/**
 * The browser for the e2e tests: found, else (as root with apt-get) Debian's `chromium`,
 * installed and announced, else an error of one line saying how to get one.
 */
export async function findOrInstallChromium(
  log: (line: string) => void = console.log,
): Promise<FoundBrowser> {
  const search = defaultSearch();
  const found = await findChromium(search);
  if (found) return found;
  if (!(await canInstallWithApt())) throw new Error(NO_BROWSER_MESSAGE);
  log(
    "No Chromium found (CHROMIUM_PATH, /usr/bin/chromium and the like, Playwright's cache): " +
      "installing Debian's chromium with apt-get…",
  );
  await run("apt-get", ["update", "-qq"]);
  await run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"]);
  const installed = await findChromium(search);
  if (!installed) {
    throw new Error(
      `apt-get installed chromium, yet none is where it should be; ${NO_BROWSER_MESSAGE}`,
    );
  }
  return installed;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0
        ? resolve()
        : reject(
            new Error(`\`${command} ${args.join(" ")}\` failed (${code}); ${NO_BROWSER_MESSAGE}`),
          ),
    );
  });
}

/** For launching: the browser found now (the e2e global setup installed one if it had to). */
export async function chromiumExecutable(): Promise<string> {
  const found = await findChromium(defaultSearch());
  if (!found) throw new Error(NO_BROWSER_MESSAGE);
  return found.path;
}
