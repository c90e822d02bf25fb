import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

// End-to-end tests: Chromium against the real stack (PostgreSQL, API, production web build).
// Files run one after another: each starts its own stack, and two browsers at once would only
// slow each other down on a small machine.
export default defineConfig({
  root: repoRoot,
  test: {
    include: ["apps/web/e2e/**/*.test.ts"],
    // The browser first: without one, nothing else is worth building or starting.
    globalSetup: [
      "scripts/test/browser-setup.ts",
      "scripts/test/global-setup.ts",
      "apps/web/e2e/build-setup.ts",
    ],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // expect.poll waits as long as a browser action does (newContext's default timeout): its own
    // default of one second is a quiet machine's page load, not a busy one's.
    expect: { poll: { timeout: 15_000 } },
  },
});
