import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BrowserSearch, defaultPlaywrightCaches, findChromium } from "./browser";

describe("findChromium", () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "tasklane-browser-test-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** An executable file (or, with `mode`, any file) at `relative` in the temp dir. */
  async function file(relative: string, mode = 0o755): Promise<string> {
    const target = path.join(dir, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, "#!/bin/sh\n");
    await chmod(target, mode);
    return target;
  }

  function search(overrides: Partial<BrowserSearch>): BrowserSearch {
    return {
      env: {},
      systemPaths: [path.join(dir, "usr/bin/chromium"), path.join(dir, "usr/bin/google-chrome")],
      playwrightCaches: [path.join(dir, "cache")],
      playwrightExecutable: path.join(dir, "cache/chromium-1200/chrome-linux64/chrome"),
      ...overrides,
    };
  }

  it("takes CHROMIUM_PATH first", async () => {
    const configured = await file("custom/chrome");
    await file("usr/bin/chromium");
    await file("cache/chromium-1200/chrome-linux64/chrome");
    expect(await findChromium(search({ env: { CHROMIUM_PATH: configured } }))).toEqual({
      path: configured,
      source: "CHROMIUM_PATH",
    });
  });

  it("refuses a CHROMIUM_PATH that is no executable, rather than using another browser", async () => {
    const notExecutable = await file("custom/chrome", 0o644);
    await file("usr/bin/chromium");
    await expect(findChromium(search({ env: { CHROMIUM_PATH: notExecutable } }))).rejects.toThrow(
      `CHROMIUM_PATH=${notExecutable} is not an executable file.`,
    );
  });

  it("then the system's places, in order, before Playwright's cache", async () => {
    const chrome = await file("usr/bin/google-chrome");
    await file("cache/chromium-1200/chrome-linux64/chrome");
    expect(await findChromium(search({}))).toEqual({ path: chrome, source: "the system" });
    const chromium = await file("usr/bin/chromium");
    expect((await findChromium(search({})))?.path).toBe(chromium);
  });

  it("skips files that are not executable", async () => {
    await file("usr/bin/chromium", 0o644);
    const chrome = await file("usr/bin/google-chrome");
    expect((await findChromium(search({})))?.path).toBe(chrome);
  });

  it("then this playwright-core's revision, then the newest other, full Chromium before the headless shell", async () => {
    await file(
      "cache/chromium_headless_shell-1300/chrome-headless-shell-linux64/chrome-headless-shell",
    );
    const older = await file("cache/chromium-1100/chrome-linux/chrome");
    expect((await findChromium(search({})))?.path).toBe(older);
    const newer = await file("cache/chromium-1150/chrome-linux64/chrome");
    expect(await findChromium(search({}))).toEqual({ path: newer, source: "Playwright's cache" });
    const own = await file("cache/chromium-1200/chrome-linux64/chrome");
    expect((await findChromium(search({})))?.path).toBe(own);
  });

  it("takes the headless shell when the cache has nothing else", async () => {
    const shell = await file(
      "cache/chromium_headless_shell-1300/chrome-headless-shell-linux64/chrome-headless-shell",
    );
    expect((await findChromium(search({})))?.path).toBe(shell);
  });

  it("finds nothing in empty places", async () => {
    await mkdir(path.join(dir, "cache/chromium-1200"), { recursive: true });
    expect(await findChromium(search({}))).toBeUndefined();
  });

  it("looks for Playwright's cache where PLAYWRIGHT_BROWSERS_PATH says, else in the user's cache", () => {
    expect(defaultPlaywrightCaches({ PLAYWRIGHT_BROWSERS_PATH: "/opt/browsers" })).toEqual([
      "/opt/browsers",
    ]);
    if (process.platform === "linux") {
      expect(defaultPlaywrightCaches({ XDG_CACHE_HOME: "/x/cache" })).toEqual([
        "/x/cache/ms-playwright",
      ]);
      expect(defaultPlaywrightCaches({})).toEqual([
        path.join(os.homedir(), ".cache/ms-playwright"),
      ]);
    }
  });
});
