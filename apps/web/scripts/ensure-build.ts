import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** apps/web */
export const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = path.resolve(webRoot, "../..");
const buildIdFile = path.join(webRoot, ".next", "BUILD_ID");

/** The `next` CLI script, run with this process's Node. */
export const nextBin = createRequire(path.join(webRoot, "package.json")).resolve(
  "next/dist/bin/next",
);

/** What a production build is made from (tests and e2e files excluded: they are not in it). */
const BUILD_INPUTS = [
  "apps/web/src",
  "apps/web/next.config.ts",
  "apps/web/package.json",
  "apps/web/tsconfig.json",
  "packages/auth/src",
  "packages/contract/src",
  "packages/db/src",
  "packages/env/src",
  "package-lock.json",
].map((input) => path.join(repoRoot, input));

function newestChange(target: string): number {
  if (!existsSync(target)) return 0;
  const info = statSync(target);
  if (!info.isDirectory()) return /\.test\.tsx?$/.test(target) ? 0 : info.mtimeMs;
  return Math.max(
    info.mtimeMs,
    ...readdirSync(target).map((entry) => newestChange(path.join(target, entry))),
  );
}

/** Whether apps/web/.next is missing or older than any of its sources. */
export function webBuildIsStale(): boolean {
  if (!existsSync(buildIdFile)) return true;
  const builtAt = statSync(buildIdFile).mtimeMs;
  return BUILD_INPUTS.some((input) => newestChange(input) > builtAt);
}

/**
 * The environment for the production servers and the build: no telemetry (nothing leaves the
 * machine), and NODE_ENV=production rather than whatever the caller runs under (a test runner
 * sets "test", which Next.js refuses to build with and Better Auth treats differently).
 */
export function productionEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
}

/** Runs `next build` for apps/web unless the existing build is up to date. */
export async function ensureWebBuild(log: (line: string) => void = console.log): Promise<void> {
  if (!webBuildIsStale()) return;
  log("Building the web app (next build)…");
  const startedAt = Date.now();
  const child = spawn(process.execPath, [nextBin, "build"], {
    cwd: webRoot,
    env: productionEnvironment(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  if (code !== 0) throw new Error(`next build failed (exit code ${code}):\n${output}`);
  log(`Built the web app in ${Math.round((Date.now() - startedAt) / 1000)} s.`);
}
