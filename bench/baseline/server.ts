/**
 * The benchmark's yardstick: the same routes with the same queries as the task API, on nothing
 * but node:http and pg — no framework, no validation, no logging, no metrics, no rate limits.
 * Named prepared statements, HS256 verified on every request, one cluster worker per
 * BASELINE_WORKERS (default 2), each with a pool of BASELINE_POOL_MAX (default 10).
 */
import cluster from "node:cluster";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { jwtVerify } from "jose";
import pg from "pg";
import { v7 as uuidv7 } from "uuid";

const workers = Number(process.env.BASELINE_WORKERS ?? 2);
const port = Number(process.env.BASELINE_PORT ?? 8100);

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
      process.exit(0);
    });
  }
} else {
  serve();
}

const COLUMNS = `id, user_id, title, description, status, priority, category, tags, due_date,
  completed_at, created_at, updated_at`;

const statements = {
  list: `SELECT ${COLUMNS}, count(*) OVER () AS total FROM task WHERE user_id = $1
    ORDER BY created_at DESC, id DESC LIMIT 50`,
  get: `SELECT ${COLUMNS} FROM task WHERE id = $1 AND user_id = $2`,
  create: `INSERT INTO task (id, user_id, title) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
  toggle: `UPDATE task SET
      status = CASE WHEN status <> 'completed' THEN 'completed'::task_status ELSE 'pending'::task_status END,
      completed_at = CASE WHEN status <> 'completed' THEN COALESCE(completed_at, now()) END,
      updated_at = GREATEST(now(), updated_at + interval '1 millisecond')
    WHERE id = $1 AND user_id = $2 RETURNING ${COLUMNS}`,
};

interface TaskRow {
  id: string;
  user_id: string;
  title: string;
  description: string | null;
  status: string;
  priority: string;
  category: string;
  tags: string[];
  due_date: Date | null;
  completed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const toTask = (row: TaskRow) => ({
  id: row.id,
  user_id: row.user_id,
  title: row.title,
  description: row.description,
  status: row.status,
  completed: row.status === "completed",
  priority: row.priority,
  category: row.category,
  tags: row.tags,
  due_date: row.due_date?.toISOString() ?? null,
  completed_at: row.completed_at?.toISOString() ?? null,
  created_at: row.created_at.toISOString(),
  updated_at: row.updated_at.toISOString(),
});

function serve() {
  const pool = new pg.Pool({
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.BASELINE_POOL_MAX ?? 10),
  });
  const secret = new TextEncoder().encode(process.env.JWT_SECRET);
  const query = (name: keyof typeof statements, values: unknown[]) =>
    pool.query<TaskRow>({ name, text: statements[name], values });

  const send = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  };

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const token = request.headers.authorization?.slice("Bearer ".length) ?? "";
    let userId: string;
    try {
      const { payload } = await jwtVerify(token, secret, { algorithms: ["HS256"] });
      userId = payload.sub as string;
    } catch {
      return send(response, 401, { detail: "invalid token" });
    }
    const [path] = (request.url ?? "").split("?");
    const parts = path?.split("/") ?? [];
    // ["", "api", "tasks", id?, "complete"?]
    const id = parts[3];
    if (request.method === "GET" && parts.length === 3) {
      const { rows } = await query("list", [userId]);
      response.setHeader(
        "x-total-count",
        rows.length ? Number((rows[0] as { total?: string }).total) : 0,
      );
      return send(response, 200, rows.map(toTask));
    }
    if (request.method === "GET" && parts.length === 4) {
      const { rows } = await query("get", [id, userId]);
      return rows[0] ? send(response, 200, toTask(rows[0])) : send(response, 404, {});
    }
    if (request.method === "POST" && parts.length === 3) {
      let body = "";
      for await (const chunk of request) body += chunk;
      const { title } = JSON.parse(body) as { title: string };
      const { rows } = await query("create", [uuidv7(), userId, title]);
      const task = toTask(rows[0] as TaskRow);
      response.setHeader("location", `/api/tasks/${task.id}`);
      return send(response, 201, task);
    }
    if (request.method === "PATCH" && parts[4] === "complete") {
      const { rows } = await query("toggle", [id, userId]);
      return rows[0] ? send(response, 200, toTask(rows[0])) : send(response, 404, {});
    }
    return send(response, 404, {});
  }

  createServer((request, response) => {
    handle(request, response).catch(() => send(response, 500, {}));
  }).listen(port, "127.0.0.1");
}
