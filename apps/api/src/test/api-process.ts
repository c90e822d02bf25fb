import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { appDatabaseSettings } from "@tasklane/db/testing";
import { signHs256 } from "./jwks-server";

const apiRoot = fileURLToPath(new URL("../..", import.meta.url));
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");

/**
 * How the server is started: `node --import tsx` as `npm start` (scripts/start.ts) does, where
 * the pid is the server itself; or the tsx CLI as `npm run start:api` does, which runs the server
 * in a child process and relays SIGINT/SIGTERM to it.
 */
export type Launcher = "node" | "tsx-cli";

const HS256_SECRET = "process-test-hs256-secret-0123456789abcdef";
// Generous: booting through tsx takes 10–15 s when other work keeps both cores busy.
const STARTUP_LIMIT_MS = 60_000;

export interface ApiProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port> the server listens on. */
  url: string;
  /** Resolves once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The process' log lines so far (pino JSON, stdout and stderr). */
  output(): string;
  /** An HS256 token for `sub`, accepted by this server. */
  token(sub: string): Promise<string>;
  /** Ends the process if a test left it running. */
  stop(): Promise<void>;
}

/**
 * Starts apps/api/src/server.ts as a real process on a free port (API_PORT=0, read back from its
 * "Server listening" log line), configured only through environment variables.
 */
export async function startApiProcess(options: {
  databaseUrl: string;
  env?: Record<string, string>;
  launcher?: Launcher;
  /** Modules the server process imports first (with the node launcher), e.g. test-only jobs. */
  imports?: string[];
}): Promise<ApiProcess> {
  const preloads = (options.imports ?? []).flatMap((module) => ["--import", module]);
  const args =
    options.launcher === "tsx-cli"
      ? [tsxCli, "src/server.ts"]
      : ["--import", "tsx", ...preloads, "src/server.ts"];
  const child = spawn(process.execPath, args, {
    cwd: apiRoot,
    env: {
      PATH: process.env.PATH,
      ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
      DATABASE_URL: options.databaseUrl,
      API_HOST: "127.0.0.1",
      API_PORT: "0",
      JWT_SECRET: HS256_SECRET,
      // Empty means unset: a developer's .env must not add issuer or audience checks.
      BETTER_AUTH_URL: "",
      JWT_ISSUER: "",
      JWT_AUDIENCE: "",
      AUTH_JWKS_URL: "http://127.0.0.1:9/unused-jwks",
      RATE_LIMIT_PER_MINUTE: "0",
      LOG_LEVEL: "info",
      ...appDatabaseSettings(),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so stop() also ends the server the tsx CLI runs as its child.
    detached: true,
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  let output = "";
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`API did not start within ${STARTUP_LIMIT_MS} ms:\n${output}`)),
      STARTUP_LIMIT_MS,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`API exited (code ${code}, signal ${signal}) before listening:\n${output}`));
    });
  });

  const stop = async () => {
    try {
      process.kill(-(child.pid as number), "SIGKILL");
    } catch {
      // The group is gone already.
    }
    await exited;
  };
  try {
    const url = await listening;
    return {
      child,
      url,
      exited,
      output: () => output,
      token: (sub) => signHs256({ sub }, HS256_SECRET),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
