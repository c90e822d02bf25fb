import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runMigrations } from "@tasklane/db";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type EmbeddedPostgres,
  startEmbeddedPostgres,
} from "../../../../scripts/embedded-postgres";
import { createTestApp, type TestApp } from "../test/app";
import { freePort } from "../test/free-port";

// The TCP proxy in health.test.ts cuts the network; here PostgreSQL itself goes away (its fast
// shutdown terminates every session) and comes back on the same port.

const FAIL_FAST_MS = 2000;
const RECOVERY_MS = 5000;

describe("PostgreSQL stopped and started again (a server this test owns)", () => {
  let dataDir: string;
  let port: number;
  let postgres: EmbeddedPostgres;
  let t: TestApp;
  const startPostgres = async () => {
    postgres = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "data"), port });
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "tasklane-restart-test-"));
    // Under root PostgreSQL runs as the postgres user, which must reach the data directory.
    await chmod(dataDir, 0o755);
    port = await freePort();
    await startPostgres();
    await runMigrations(postgres.url);
    t = await createTestApp({ databaseUrl: () => postgres.url });
  });
  afterAll(async () => {
    await t?.close();
    await postgres?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("answers 503 within 2 s while it is down, and serves again within 5 s of its return", async () => {
    const created = await t.as("restart-user", {
      method: "POST",
      url: "/api/tasks",
      payload: { title: "survives a restart" },
    });
    expect(created.statusCode).toBe(201);

    await postgres.stop();
    for (const request of [
      () => t.app.inject({ method: "GET", url: "/health" }),
      () => t.as("restart-user", { method: "GET", url: "/api/tasks" }),
      () => t.as("restart-user", { method: "POST", url: "/api/tasks", payload: { title: "no" } }),
      () => t.as("restart-user", { method: "DELETE", url: `/api/tasks/${created.json().id}` }),
    ]) {
      const started = performance.now();
      const response = await request();
      expect(response.statusCode, response.body).toBe(503);
      expect(response.json()).toMatchObject({ error_type: "service_unavailable" });
      expect(performance.now() - started).toBeLessThan(FAIL_FAST_MS);
    }

    await startPostgres();
    await vi.waitFor(
      async () =>
        expect((await t.app.inject({ method: "GET", url: "/health" })).statusCode).toBe(200),
      { timeout: RECOVERY_MS, interval: 50 },
    );
    const list = await t.as("restart-user", { method: "GET", url: "/api/tasks" });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject([{ title: "survives a restart" }]);
  });
});
