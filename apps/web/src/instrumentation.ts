/** Runs once when the server starts. */
export async function register() {
  // `next build` loads this too, and the build needs no settings: it serves every environment.
  if (
    process.env.NEXT_RUNTIME === "nodejs" &&
    process.env.NEXT_PHASE !== "phase-production-build"
  ) {
    await import("./check-config");
  }
}
