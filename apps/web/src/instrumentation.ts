/** Runs once when the server starts. */
export async function register() {
  // `next build` loads this too, and the build needs no settings: it serves every environment.
  if (
    process.env.NEXT_RUNTIME === "nodejs" &&
    process.env.NEXT_PHASE !== "phase-production-build"
  ) {
    await import("./check-config");
    // Before Better Auth sees a request: its rate limits key on the address this sets.
    const [{ installClientAddressHeader }, { parseWebConfig }] = await Promise.all([
      import("./lib/server/client-address"),
      import("./lib/web-config"),
    ]);
    installClientAddressHeader(parseWebConfig(process.env).trustProxy);
  }
}
