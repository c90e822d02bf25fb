import type { Task } from "@tasklane/contract";
import { describe, expect, it } from "vitest";
import type { TaskPageView } from "./query-keys";
import {
  applyTaskChange,
  type CachedTaskPage,
  compareTasks,
  isPending,
  matchesQuery,
  pendingTask,
  withPendingTasks,
} from "./task-cache";
import { DEFAULT_FILTERS, PAGE_SIZE, type TaskFilters } from "./task-filters";

const NOW = Date.parse("2026-03-10T12:00:00Z");
let ids = 0;

function task(fields: Partial<Task> = {}): Task {
  ids += 1;
  return {
    id: `0190000${String(ids).padStart(4, "0")}`,
    user_id: "u",
    title: `Task ${ids}`,
    description: null,
    status: "pending",
    completed: false,
    priority: "medium",
    category: "other",
    tags: [],
    due_date: null,
    completed_at: null,
    created_at: new Date(NOW - 1000 * (100 - ids)).toISOString(),
    updated_at: new Date(NOW - 1000 * (100 - ids)).toISOString(),
    ...fields,
  };
}

const view = (filters: Partial<TaskFilters> = {}): TaskPageView => ({
  filters: { ...DEFAULT_FILTERS, ...filters },
  timeZone: "Europe/Paris",
});
const page = (tasks: Task[], total = tasks.length): CachedTaskPage => ({
  tasks,
  total,
  fetchedAt: NOW,
});
const titles = (result: CachedTaskPage) => result.tasks.map((row) => row.title);

describe("matchesQuery: the API's filters", () => {
  it("filters by status, priority, category, tag and text", () => {
    const errand = task({ title: "Buy MILK", tags: ["errand"], priority: "high" });
    expect(matchesQuery(errand, {}, NOW)).toBe(true);
    expect(matchesQuery(errand, { status: "active" }, NOW)).toBe(true);
    expect(matchesQuery(errand, { status: "completed" }, NOW)).toBe(false);
    expect(matchesQuery(errand, { priority: "low,high" }, NOW)).toBe(true);
    expect(matchesQuery(errand, { priority: "low" }, NOW)).toBe(false);
    expect(matchesQuery(errand, { category: "work" }, NOW)).toBe(false);
    expect(matchesQuery(errand, { tag: "errand" }, NOW)).toBe(true);
    expect(matchesQuery(errand, { tag: "Errand" }, NOW)).toBe(false);
    expect(matchesQuery(errand, { q: "milk" }, NOW)).toBe(true);
    expect(matchesQuery(task({ description: "with milk" }), { q: "MILK" }, NOW)).toBe(true);
    expect(matchesQuery(errand, { q: "bread" }, NOW)).toBe(false);
  });

  it("treats due windows as exclusive and overdue as not done and due before now", () => {
    const due = task({ due_date: "2026-03-10T10:00:00.000Z" });
    expect(matchesQuery(due, { overdue: "true" }, NOW)).toBe(true);
    expect(
      matchesQuery({ ...due, completed: true, status: "completed" }, { overdue: "true" }, NOW),
    ).toBe(false);
    expect(matchesQuery(task(), { overdue: "true" }, NOW)).toBe(false);
    expect(matchesQuery(due, { due_before: "2026-03-10T10:00:00.000Z" }, NOW)).toBe(false);
    expect(matchesQuery(due, { due_after: "2026-03-10T09:59:59.999Z" }, NOW)).toBe(true);
    expect(matchesQuery(task(), { due_after: "2026-03-10T09:59:59.999Z" }, NOW)).toBe(false);
  });
});

describe("compareTasks: the API's order", () => {
  const sorted = (tasks: Task[], ...by: Parameters<typeof compareTasks>) =>
    [...tasks].sort(compareTasks(...by)).map((row) => row.title);

  it("puts tasks without a due date last in both directions", () => {
    const tasks = [
      task({ title: "none", due_date: null }),
      task({ title: "late", due_date: "2026-04-01T00:00:00Z" }),
      task({ title: "soon", due_date: "2026-03-11T00:00:00Z" }),
    ];
    expect(sorted(tasks, "due_date", "asc")).toEqual(["soon", "late", "none"]);
    expect(sorted(tasks, "due_date", "desc")).toEqual(["late", "soon", "none"]);
  });

  it("orders titles case-insensitively and priorities by rank, ties by id", () => {
    const tasks = [
      task({ title: "b", priority: "high" }),
      task({ title: "A", priority: "low" }),
      task({ title: "c", priority: "high" }),
    ];
    expect(sorted(tasks, "title", "asc")).toEqual(["A", "b", "c"]);
    expect(sorted(tasks, "priority", "desc")).toEqual(["c", "b", "A"]);
  });
});

describe("applyTaskChange", () => {
  it("puts a new task first on page 1 of the newest-first list, and counts it", () => {
    const older = task({ title: "old 1" });
    const newer = task({ title: "old 2" });
    const result = applyTaskChange(page([newer, older]), view(), null, task({ title: "new" }));
    expect(titles(result)).toEqual(["new", "old 2", "old 1"]);
    expect(result.total).toBe(3);
  });

  it("leaves a page alone when the new task belongs to another page or does not match", () => {
    const rows = [task(), task()].reverse();
    expect(applyTaskChange(page(rows, 30), view({ page: 2 }), null, task()).tasks).toEqual(rows);
    const filtered = applyTaskChange(page(rows), view({ status: "completed" }), null, task());
    expect(filtered.tasks).toEqual(rows);
    expect(filtered.total).toBe(2);
  });

  it("keeps a full page full: the last row moves to the next page", () => {
    const rows = Array.from({ length: PAGE_SIZE }, () => task()).reverse();
    const result = applyTaskChange(page(rows, 25), view(), null, task({ title: "new" }));
    expect(result.tasks).toHaveLength(PAGE_SIZE);
    expect(result.tasks[0]?.title).toBe("new");
    expect(result.total).toBe(26);
  });

  it("moves a changed task to its new place, or out of a list it no longer matches", () => {
    const [a, b, c] = [task({ title: "a" }), task({ title: "b" }), task({ title: "c" })];
    if (!a || !b || !c) throw new Error("three tasks");
    const byTitle = view({ sort: "title", order: "asc" });
    const renamed = { ...a, title: "d" };
    expect(titles(applyTaskChange(page([a, b, c]), byTitle, a, renamed))).toEqual(["b", "c", "d"]);

    const active = view({ status: "active" });
    const done = { ...b, status: "completed" as const, completed: true };
    const result = applyTaskChange(page([c, b, a]), active, b, done);
    expect(titles(result)).toEqual(["c", "a"]);
    expect(result.total).toBe(2);
  });

  it("takes a deleted task away, and puts a re-created one (new id) back in its place", () => {
    const [a, b, c] = [task({ title: "a" }), task({ title: "b" }), task({ title: "c" })];
    if (!a || !b || !c) throw new Error("three tasks");
    const deleted = applyTaskChange(page([c, b, a]), view(), b, null);
    expect(titles(deleted)).toEqual(["c", "a"]);
    expect(deleted.total).toBe(2);
    const restored = applyTaskChange(deleted, view(), null, b);
    expect(titles(restored)).toEqual(["c", "b", "a"]);
    const saved = applyTaskChange(restored, view(), b, { ...b, id: `${b.id}-new` });
    expect(saved.tasks.map((row) => row.id)).toEqual([c.id, `${b.id}-new`, a.id]);
    expect(saved.total).toBe(3);
  });
});

describe("withPendingTasks", () => {
  it("shows tasks being created first, newest on top, even when the server's clock is ahead", () => {
    const saved = task({ title: "saved", created_at: "2030-01-01T00:00:00.000Z" });
    const first = pendingTask(1, { title: "  first " }, NOW);
    const second = pendingTask(2, { title: "second" }, NOW + 5);
    const result = withPendingTasks(page([saved]), view(), [first, second]);
    expect(titles(result)).toEqual(["second", "first", "saved"]);
    expect(result.total).toBe(3);
    expect(result.tasks.filter(isPending)).toHaveLength(2);
  });

  it("leaves them out of a list they would not be in", () => {
    const saved = task({ title: "saved", status: "completed", completed: true });
    const result = withPendingTasks(page([saved]), view({ status: "completed" }), [
      pendingTask(1, { title: "new" }, NOW),
    ]);
    expect(titles(result)).toEqual(["saved"]);
  });
});
