import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "@tasklane/db/testing";
import { nextBin, productionEnvironment, webRoot } from "../../scripts/ensure-build";

const repoRoot = path.resolve(webRoot, "../..");
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const OUTPUT_LINES_KEPT = 200;

/** One running service, with its recent output kept for failure reports. */
class Service {
  private child: ChildProcess | null = null;
  private output: string[] = [];

  constructor(
    readonly name: string,
    private readonly command: { args: string[]; cwd: string; env: NodeJS.ProcessEnv },
  ) {}

  start(): void {
    this.output = [];
    const child = spawn(process.execPath, this.command.args, {
      cwd: this.command.cwd,
      env: this.command.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (chunk: Buffer) => {
      this.output.push(...chunk.toString().split("\n").filter(Boolean));
      this.output.splice(0, Math.max(0, this.output.length - OUTPUT_LINES_KEPT));
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.child = child;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  recentOutput(): string {
    return `--- ${this.name} output ---\n${this.output.join("\n")}`;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function waitUntilAnswering(service: Service, url: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!service.running) throw new Error(`${service.name} exited.\n${service.recentOutput()}`);
    try {
      const response = await fetch(url, { redirect: "manual" });
      if (response.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${service.name} did not answer at ${url}.\n${service.recentOutput()}`);
}

export interface Stack {
  /** The web app as configured (BETTER_AUTH_URL): http://localhost:<port>. */
  webUrl: string;
  /** The same web app under its other loopback name: http://127.0.0.1:<port>. */
  webUrlByIp: string;
  apiUrl: string;
  databaseUrl: string;
  stopApi(): Promise<void>;
  startApi(): Promise<void>;
  /** Stops both services and drops the database. */
  stop(): Promise<void>;
}

/**
 * The real stack on free ports: a fresh migrated database (copied from the test template), the
 * API and the production build of the web app, configured for each other as `npm start` does.
 */
export async function startStack(): Promise<Stack> {
  const database: TestDatabase = await createTestDatabase();
  const [apiPort, webPort] = [await freePort(), await freePort()];
  const webUrl = `http://localhost:${webPort}`;
  const webUrlByIp = `http://127.0.0.1:${webPort}`;
  const apiUrl = `http://127.0.0.1:${apiPort}`;

  const api = new Service("API", {
    args: ["--import", "tsx", "apps/api/src/server.ts"],
    cwd: repoRoot,
    env: {
      ...productionEnvironment(),
      DATABASE_URL: database.url,
      API_HOST: "127.0.0.1",
      API_PORT: String(apiPort),
      BETTER_AUTH_URL: webUrl,
      CORS_ORIGINS: `${webUrl},${webUrlByIp}`,
      LOG_LEVEL: "warn",
      // Empty means unset: a developer's .env must not change what the tests run against.
      AUTH_JWKS_URL: "",
      JWT_SECRET: "",
      JWT_ISSUER: "",
      JWT_AUDIENCE: "",
      RATE_LIMIT_PER_MINUTE: "",
    },
  });
  const web = new Service("web", {
    args: [nextBin, "start", "--port", String(webPort)],
    cwd: webRoot,
    env: productionEnvironment({
      DATABASE_URL: database.url,
      BETTER_AUTH_URL: webUrl,
      BETTER_AUTH_SECRET: randomBytes(32).toString("base64"),
      BETTER_AUTH_TRUSTED_ORIGINS: "",
      NEXT_PUBLIC_API_URL: apiUrl,
    }),
  });

  const startApi = async () => {
    api.start();
    await waitUntilAnswering(api, `${apiUrl}/health`);
  };
  const stop = async () => {
    await Promise.all([web.stop(), api.stop()]);
    await database.drop();
  };

  try {
    web.start();
    await startApi();
    await waitUntilAnswering(web, `${webUrl}/sign-in`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    webUrl,
    webUrlByIp,
    apiUrl,
    databaseUrl: database.url,
    stopApi: () => api.stop(),
    startApi,
    stop,
  };
}
