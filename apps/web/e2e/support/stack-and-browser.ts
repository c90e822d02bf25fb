import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchBrowser } from "./browser";
import { type Stack, startStack } from "./stack";

export interface StackAndBrowser {
  readonly stack: Stack;
  readonly browser: Browser;
}

/**
 * Starts the stack and a browser before the calling test file's tests and stops both after them.
 * Call it at the top of the file; the fields can be read once the file's tests have begun.
 */
export function setUpStackAndBrowser(): StackAndBrowser {
  let stack: Stack | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  return {
    get stack() {
      if (stack === undefined) throw new Error("The stack starts in beforeAll: read it in a test.");
      return stack;
    },
    get browser() {
      if (browser === undefined)
        throw new Error("The browser starts in beforeAll: read it in a test.");
      return browser;
    },
  };
}
