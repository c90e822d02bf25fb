import { findOrInstallChromium } from "./browser";

/**
 * Finds (or, as root with apt-get, installs) the browser before anything is built or started.
 * Without one it stops the run with the one line that says how to get one: nothing else has been
 * set up yet, and vitest would bury the line under a stack trace and "No test files found".
 */
export default async function setup(): Promise<void> {
  try {
    const browser = await findOrInstallChromium();
    console.log(`Browser: ${browser.path} (from ${browser.source})`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
