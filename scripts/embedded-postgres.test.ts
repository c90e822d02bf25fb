import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  unlink,
} from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { withPgClient } from "@tasklane/db/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded-postgres";

const isRoot = process.getuid?.() === 0;

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** embedded-postgres' binaries for this platform (bin/, lib/, share/). */
function distribution(): string {
  const require = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  const entry = require.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`);
  return path.resolve(path.dirname(entry), "..", "native");
}

describe("embedded PostgreSQL under root, in a project the postgres user cannot enter", () => {
  let dir: string;
  let lines: string[];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "tasklane-embedded-test-"));
    await chmod(dir, 0o755); // like /var/lib: the postgres user may enter
    lines = [];
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps cluster and binaries where that user can reach them, across restarts, until the data directory goes", async () => {
    if (!isRoot) return; // only root runs PostgreSQL as another user
    // A private project (like a clone under /root) with its own copy of the binaries.
    const project = path.join(dir, "project");
    await mkdir(project, { mode: 0o700 });
    await chmod(project, 0o700);
    const privateBinaries = path.join(project, "native");
    await promisify(execFile)("cp", ["-a", "-l", distribution(), privateBinaries]);
    const relocationDir = path.join(dir, "shared");
    const options = async () => ({
      dataDir: path.join(project, ".data", "postgres"),
      passwordFile: path.join(project, ".data", "postgres-superuser-password"),
      port: await freePort(),
      relocationDir,
      distribution: privateBinaries,
      onLog: (line: string) => lines.push(line),
    });

    let server = await startEmbeddedPostgres(await options());
    const clusterDir = server.clusterDir;
    try {
      expect(path.dirname(clusterDir)).toBe(relocationDir);
      expect(await readlink(path.join(project, ".data", "postgres"))).toBe(clusterDir);
      const { stdout: uid } = await promisify(execFile)("id", ["-u", "postgres"]);
      expect((await stat(clusterDir)).uid).toBe(Number(uid));
      expect((await stat(clusterDir)).mode & 0o777).toBe(0o700);
      // The server runs a copy of the binaries, which that user can reach.
      const [copy, ...others] = (await readdir(relocationDir)).filter((entry) =>
        entry.startsWith("postgresql-"),
      );
      expect(others).toEqual([]);
      const postmasterPid = (await readFile(path.join(clusterDir, "postmaster.pid"), "utf8")).split(
        "\n",
      )[0];
      expect(await readlink(`/proc/${postmasterPid}/exe`)).toBe(
        path.join(relocationDir, copy as string, "bin", "postgres"),
      );
      expect(existsSync(path.join(privateBinaries, "bin", "postgres"))).toBe(true);
      await withPgClient(server.url, (client) => client.query("CREATE TABLE kept (id int)"));
    } finally {
      await server.stop();
    }

    server = await startEmbeddedPostgres(await options());
    try {
      expect(server.clusterDir).toBe(clusterDir);
      await withPgClient(server.url, (client) => client.query("SELECT * FROM kept"));
    } finally {
      await server.stop();
    }

    // The data directory deleted (its password with it): a fresh cluster replaces the old one.
    await unlink(path.join(project, ".data", "postgres"));
    await unlink(path.join(project, ".data", "postgres-superuser-password"));
    server = await startEmbeddedPostgres(await options());
    try {
      expect(server.clusterDir).toBe(clusterDir);
      expect(lines.join("\n")).toContain(`removed ${clusterDir}, the cluster of an earlier`);
      await expect(
        withPgClient(server.url, (client) => client.query("SELECT * FROM kept")),
      ).rejects.toThrow(/relation "kept" does not exist/);
      expect((await lstat(path.join(project, ".data", "postgres"))).isSymbolicLink()).toBe(true);
    } finally {
      await server.stop();
    }
  }, 120_000); // three starts and a copy of the binaries
});
