import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runMigrations } from "@tasklane/db";
import { databaseUrl, dropDatabase, serverAnswers, withPgClient } from "@tasklane/db/testing";
import { startEmbeddedPostgres } from "../scripts/embedded-postgres";

const LOCAL_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export interface BenchDatabase {
  url: string;
  description: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one benchmark run: on the server `serverUrl` names, else the
 * machine's PostgreSQL on 5432, else a temporary embedded one. Dropped by `drop()`.
 */
export async function createBenchDatabase(serverUrl?: string): Promise<BenchDatabase> {
  let server: { url: string; description: string; stop(): Promise<void> };
  if (serverUrl) {
    server = { url: serverUrl, description: "the given server", stop: async () => {} };
  } else if (await serverAnswers(LOCAL_SERVER_URL)) {
    server = {
      url: LOCAL_SERVER_URL,
      description: "PostgreSQL on 127.0.0.1:5432",
      stop: async () => {},
    };
  } else {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "tasklane-bench-postgres-"));
    const embedded = await startEmbeddedPostgres({ dataDir, port: 54339, onLog: () => {} });
    server = {
      url: embedded.url,
      description: `embedded PostgreSQL (data in ${dataDir})`,
      stop: async () => {
        await embedded.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  }
  const name = `tasklane_bench_${randomBytes(4).toString("hex")}`;
  await withPgClient(server.url, (client) =>
    client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`),
  );
  const url = databaseUrl(server.url, name);
  await runMigrations(url);
  return {
    url,
    description: `${name} on ${server.description}`,
    async drop() {
      await dropDatabase(server.url, name);
      await server.stop();
    },
  };
}

export interface SeededUser {
  id: string;
  taskIds: string[];
}

/**
 * `users` users with `tasksPerUser` tasks each, generated inside PostgreSQL in one statement per
 * table (seconds for 100,000 tasks), with varied priorities, categories, tags and due dates.
 */
export async function seed(
  url: string,
  users: number,
  tasksPerUser: number,
): Promise<SeededUser[]> {
  return withPgClient(url, async (client) => {
    await client.query(
      `INSERT INTO "user" (id, name, email)
       SELECT 'bench-user-' || g, 'Bench user ' || g, 'bench-user-' || g || '@bench.invalid'
       FROM generate_series(1, $1) g`,
      [users],
    );
    await client.query(
      `INSERT INTO task (id, user_id, title, description, status, priority, category, tags,
         due_date, completed_at, created_at, updated_at)
       SELECT gen_random_uuid(), 'bench-user-' || u, 'Task ' || t || ' of user ' || u,
         CASE WHEN t % 3 = 0 THEN 'Notes for task ' || t END,
         s.status, (ARRAY['low','medium','high'])[1 + (u + t) % 3]::task_priority,
         (ARRAY['work','personal','home','other'])[1 + (u * t) % 4]::task_category,
         CASE WHEN t % 4 = 0 THEN ARRAY['bench', 'tag-' || (t % 7)] ELSE '{}' END,
         CASE WHEN t % 2 = 0 THEN now() + (t - 5) * interval '1 day' END,
         CASE WHEN s.status = 'completed' THEN c.at END, c.at, c.at
       FROM generate_series(1, $1) u, generate_series(1, $2) t,
         LATERAL (SELECT (CASE WHEN (u + t) % 5 = 0 THEN 'completed'
                               WHEN (u + t) % 5 = 1 THEN 'in_progress'
                               ELSE 'pending' END)::task_status AS status) s,
         LATERAL (SELECT now() - ((u * 7 + t * 13) % 1000) * interval '1 hour' AS at) c`,
      [users, tasksPerUser],
    );
    await client.query("ANALYZE");
    const { rows } = await client.query<{ user_id: string; ids: string[] }>(
      "SELECT user_id, array_agg(id) AS ids FROM task GROUP BY user_id",
    );
    return rows.map((row) => ({ id: row.user_id, taskIds: row.ids }));
  });
}
