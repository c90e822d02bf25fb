import { findOrInstallChromium } from "./browser";

/** Finds (or, as root with apt-get, installs) the browser before anything is built or started. */
export default async function setup(): Promise<void> {
  try {
    const browser = await findOrInstallChromium();
    console.log(`Browser: ${browser.path} (from ${browser.source})`);
  } catch (error) {
    // One line, not a stack trace: the message says what to do.
    const message = error instanceof Error ? error.message : String(error);
    throw Object.assign(new Error(message), { stack: message });
  }
}
