import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";

/**
 * The repository's .env, the one file every part of Tasklane takes its settings from. Not in
 * the package's main module: a bundler must never see this path (and ship the file).
 */
const ENV_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../..", ".env");

/**
 * The process environment over the repository's .env (the process wins). An empty value, such
 * as `JWT_SECRET=` copied from .env.example, means "not set" and is left out.
 */
export function readEnvironment(
  env: Record<string, string | undefined> = process.env,
  envFile: string | URL = ENV_FILE,
): Record<string, string> {
  const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, "utf8")) : {};
  const merged: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...fromFile, ...env })) {
    if (value !== undefined && value !== "") merged[key] = value;
  }
  return merged;
}
