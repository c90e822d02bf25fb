import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type TestDatabase } from "@tasklane/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort } from "./test/free-port";
import { JwksServer } from "./test/jwks-server";

const serverEntry = fileURLToPath(new URL("server.ts", import.meta.url));

/** Pids of a process's children, from /proc (Linux). */
async function childPids(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, "utf8").catch(() => "");
  return text.trim().split(/\s+/).filter(Boolean).map(Number);
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("API_WORKERS=2: one port served by a cluster of two workers", () => {
  let database: TestDatabase;
  let jwks: JwksServer;
  let primary: ChildProcess;
  let url: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    jwks = await JwksServer.start();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    primary = spawn(process.execPath, ["--import", "tsx", serverEntry], {
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        API_PORT: String(port),
        API_WORKERS: "2",
        AUTH_JWKS_URL: jwks.url,
        JWT_SECRET: "",
        BETTER_AUTH_URL: "",
        LOG_LEVEL: "silent",
      },
      stdio: "ignore",
    });
    await vi.waitFor(async () => expect((await fetch(`${url}/health`)).status).toBe(200), {
      timeout: 20_000,
      interval: 100,
    });
  });

  afterAll(async () => {
    if (primary.exitCode === null) primary.kill("SIGKILL");
    await jwks.close();
    await database.drop();
  });

  it("forks two workers under the primary", async () => {
    await vi.waitFor(async () => expect(await childPids(primary.pid as number)).toHaveLength(2));
  });

  it("answers /metrics with every worker's requests, summed", async () => {
    const token = await jwks.sign({ sub: "cluster-user" });
    const requests = 20;
    for (let i = 0; i < requests; i++) {
      // A new connection each time, so the primary hands them to both workers in turn.
      const response = await fetch(`${url}/api/tasks`, {
        headers: { authorization: `Bearer ${token}`, connection: "close" },
      });
      expect(response.status).toBe(200);
    }
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const listed =
      /^http_request_duration_seconds_count\{[^}]*route="\/api\/tasks"[^}]*status_code="200"[^}]*\} (\d+)$/m.exec(
        metrics,
      );
    expect(Number(listed?.[1])).toBe(requests);
  });

  it("shuts every worker down and exits 0 on SIGTERM", async () => {
    const workers = await childPids(primary.pid as number);
    const exited = once(primary, "exit");
    primary.kill("SIGTERM");
    const [code] = await exited;
    expect(code).toBe(0);
    for (const pid of workers) expect(isAlive(pid)).toBe(false);
  });
});
