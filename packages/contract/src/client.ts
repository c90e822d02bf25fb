import type { ErrorBody, FieldError } from "./common";
import type { TaskHistoryEntry, TaskHistoryQuery } from "./history";
import type { Stats, StatsQuery } from "./stats";
import type { CreateTask, ListTasksQuery, Task, UpdateTask } from "./tasks";

/** An error response of the API, with its parsed body when the API sent one. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: ErrorBody | null;

  constructor(status: number, body: ErrorBody | null) {
    super(body?.detail ?? `request failed with status ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
  }

  get errorType(): ErrorBody["error_type"] | undefined {
    return this.body?.error_type;
  }

  get fieldErrors(): FieldError[] {
    return this.body?.errors ?? [];
  }
}

export interface TasklaneClientOptions {
  /** The API's origin, e.g. http://127.0.0.1:8000 */
  baseUrl: string;
  /** Returns the current bearer token (a Better Auth JWT), or null when signed out. */
  getToken: () => string | null | Promise<string | null>;
  fetch?: typeof fetch;
}

export interface TaskPage {
  tasks: Task[];
  /** Tasks matching the filters, ignoring limit/offset (X-Total-Count). */
  total: number;
}

export interface TaskHistoryPage {
  /** Oldest first. */
  entries: TaskHistoryEntry[];
  /** Entries of the task, ignoring limit/offset (X-Total-Count). */
  total: number;
}

function toSearchParams(query: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

/** A typed client for the task API; every shape comes from this package's schemas. */
export function createTasklaneClient(options: TasklaneClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  async function send(method: string, path: string, body?: unknown): Promise<Response> {
    const token = await options.getToken();
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await doFetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      const errorBody = (await response.json().catch(() => null)) as ErrorBody | null;
      throw new ApiError(response.status, errorBody);
    }
    return response;
  }

  const taskPath = (id: string) => `/api/tasks/${encodeURIComponent(id)}`;

  return {
    async listTasks(query: ListTasksQuery = {}): Promise<TaskPage> {
      const response = await send("GET", `/api/tasks${toSearchParams(query)}`);
      return {
        tasks: (await response.json()) as Task[],
        total: Number(response.headers.get("x-total-count") ?? 0),
      };
    },
    async getTask(id: string): Promise<Task> {
      return (await send("GET", taskPath(id))).json() as Promise<Task>;
    },
    async createTask(body: CreateTask): Promise<Task> {
      return (await send("POST", "/api/tasks", body)).json() as Promise<Task>;
    },
    async updateTask(id: string, body: UpdateTask): Promise<Task> {
      return (await send("PATCH", taskPath(id), body)).json() as Promise<Task>;
    },
    /** Without `completed`, toggles; with it, sets. */
    async completeTask(id: string, completed?: boolean): Promise<Task> {
      const body = completed === undefined ? undefined : { completed };
      return (await send("PATCH", `${taskPath(id)}/complete`, body)).json() as Promise<Task>;
    },
    async deleteTask(id: string): Promise<void> {
      await send("DELETE", taskPath(id));
    },
    /** Also answers for a deleted task, from its history. */
    async getTaskHistory(id: string, query: TaskHistoryQuery = {}): Promise<TaskHistoryPage> {
      const response = await send("GET", `${taskPath(id)}/history${toSearchParams(query)}`);
      return {
        entries: (await response.json()) as TaskHistoryEntry[],
        total: Number(response.headers.get("x-total-count") ?? 0),
      };
    },
    async getStats(query: StatsQuery = {}): Promise<Stats> {
      return (await send("GET", `/api/stats${toSearchParams(query)}`)).json() as Promise<Stats>;
    },
  };
}

export type TasklaneClient = ReturnType<typeof createTasklaneClient>;
