"use client";

import type { CreateTask, Task, UpdateTask } from "@tasklane/contract";
import { useSearchParams } from "next/navigation";
import { type ReactNode, useCallback, useEffect, useMemo, useState } from "react";
import { useApi } from "@/components/api-provider";
import { EmptyState, ErrorState, LoadingRows } from "@/components/request-states";
import { ToastList, useToasts } from "@/components/toasts";
import { describeApiFailure, type Problem } from "@/lib/api-errors";
import { browserTimeZone } from "@/lib/due-dates";
import {
  filtersFromSearchParams,
  filtersToSearchParams,
  isFiltered,
  pageCount,
  type TaskFilters,
  toListQuery,
  updateFilters,
} from "@/lib/task-filters";
import { Pagination } from "./pagination";
import { QuickAdd } from "./quick-add";
import { TaskEditor } from "./task-editor";
import { TaskFilterBar } from "./task-filter-bar";
import { TaskItem } from "./task-item";

interface TaskPageState {
  tasks: Task[];
  total: number;
}

/** The fields that recreate a deleted task (Undo). */
function recreation(task: Task): CreateTask {
  const { title, description, status, priority, category, tags, due_date } = task;
  return { title, description, status, priority, category, tags, due_date };
}

function withCompleted(task: Task, completed: boolean): Task {
  return { ...task, completed, status: completed ? "completed" : "pending" };
}

export function TasksView() {
  const api = useApi();
  const searchParams = useSearchParams();
  const urlFilters = useMemo(
    () => filtersFromSearchParams(new URLSearchParams(searchParams.toString())),
    [searchParams],
  );
  // The URL is the filters' home (bookmarks, back and forward). A copy in state lets a control
  // show its new value at once, before the router reports the URL change.
  const [filters, setFilters] = useState(urlFilters);
  useEffect(() => {
    // Follow the URL when it changes by itself (back/forward), but not to a stale report of
    // one of our own changes when newer ones have been made since.
    if (searchParams.toString() === new URLSearchParams(window.location.search).toString()) {
      setFilters(urlFilters);
    }
  }, [searchParams, urlFilters]);
  const [timeZone] = useState(browserTimeZone);
  const [page, setPage] = useState<TaskPageState | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [loading, setLoading] = useState(true);
  const [reloads, setReloads] = useState(0);
  const [editing, setEditing] = useState<Task | null>(null);
  const [now, setNow] = useState(() => new Date());
  const { toasts, show, dismiss } = useToasts();

  const changeFilters = useCallback(
    (change: Partial<TaskFilters>, history: "push" | "replace" = "push") => {
      const next = updateFilters(filters, change);
      setFilters(next);
      const query = filtersToSearchParams(next).toString();
      const url = `${window.location.pathname}${query ? `?${query}` : ""}`;
      if (history === "push") window.history.pushState(null, "", url);
      else window.history.replaceState(null, "", url);
    },
    [filters],
  );

  const reload = useCallback(() => setReloads((count) => count + 1), []);
  const queryKey = JSON.stringify(filters);

  // biome-ignore lint/correctness/useExhaustiveDependencies: queryKey stands for filters; reloads forces a refetch
  useEffect(() => {
    let current = true;
    setLoading(true);
    const requestedAt = new Date();
    api
      .listTasks(toListQuery(filters, { now: requestedAt, timeZone }))
      .then((result) => {
        if (!current) return;
        setPage(result);
        setProblem(null);
        setNow(requestedAt);
      })
      .catch((error: unknown) => {
        if (current) setProblem(describeApiFailure(error));
      })
      .finally(() => {
        if (current) setLoading(false);
      });
    return () => {
      current = false;
    };
  }, [api, queryKey, reloads, timeZone]);

  // Deleting the last tasks of the last page leaves it empty: step back to the new last page.
  useEffect(() => {
    if (page && page.total > 0 && filters.page > pageCount(page.total)) {
      changeFilters({ page: pageCount(page.total) }, "replace");
    }
  }, [page, filters.page, changeFilters]);

  const replaceTask = (task: Task) =>
    setPage((current) =>
      current
        ? { ...current, tasks: current.tasks.map((item) => (item.id === task.id ? task : item)) }
        : current,
    );

  async function addTask(title: string): Promise<string | null> {
    try {
      const task = await api.createTask({ title });
      show({ tone: "info", message: `Added “${task.title}”.` });
      reload();
      return null;
    } catch (error) {
      const described = describeApiFailure(error);
      return described.fieldErrors.title ?? described.message;
    }
  }

  /** Shows the new state at once; puts the old one back, and says so, if the API refuses. */
  async function toggleTask(task: Task) {
    const completed = !task.completed;
    replaceTask(withCompleted(task, completed));
    try {
      replaceTask(await api.completeTask(task.id, completed));
    } catch (error) {
      replaceTask(task);
      show({
        tone: "error",
        message: `Could not update “${task.title}”: ${describeApiFailure(error).message}`,
      });
    }
  }

  async function saveTask(task: Task, changes: UpdateTask) {
    const saved = await api.updateTask(task.id, changes);
    replaceTask(saved);
    show({ tone: "info", message: `Saved “${saved.title}”.` });
    reload();
  }

  async function deleteTask(task: Task) {
    try {
      await api.deleteTask(task.id);
    } catch (error) {
      show({
        tone: "error",
        message: `Could not delete “${task.title}”: ${describeApiFailure(error).message}`,
      });
      return;
    }
    setPage((current) =>
      current
        ? { tasks: current.tasks.filter((item) => item.id !== task.id), total: current.total - 1 }
        : current,
    );
    show({
      tone: "info",
      message: `Deleted “${task.title}”.`,
      action: {
        label: "Undo",
        run: () => {
          api
            .createTask(recreation(task))
            .then(() => {
              show({ tone: "info", message: `Restored “${task.title}”.` });
              reload();
            })
            .catch((error: unknown) =>
              show({
                tone: "error",
                message: `Could not restore “${task.title}”: ${describeApiFailure(error).message}`,
              }),
            );
        },
      },
    });
  }

  let content: ReactNode;
  if (problem) {
    content = <ErrorState problem={problem} onRetry={reload} retrying={loading} />;
  } else if (page === null) {
    content = <LoadingRows label="Loading tasks" />;
  } else if (page.tasks.length === 0) {
    content = isFiltered(filters) ? (
      <EmptyState title="No tasks match these filters">
        <p>Try another search, or clear the filters to see everything.</p>
      </EmptyState>
    ) : (
      <EmptyState title={filters.page > 1 ? "Nothing on this page" : "No tasks yet"}>
        <p>Type a title above and press Enter to add your first task.</p>
      </EmptyState>
    );
  } else {
    content = (
      <>
        <ul className="task-list" aria-label="Tasks" aria-busy={loading}>
          {page.tasks.map((task) => (
            <TaskItem
              key={task.id}
              task={task}
              now={now}
              timeZone={timeZone}
              onToggle={toggleTask}
              onEdit={setEditing}
              onDelete={deleteTask}
              onTag={(tag) => changeFilters({ tag })}
            />
          ))}
        </ul>
        <Pagination
          page={filters.page}
          total={page.total}
          onPage={(number) => {
            changeFilters({ page: number });
            window.scrollTo({ top: 0 });
          }}
        />
      </>
    );
  }

  return (
    <>
      <div className="page-header">
        <h1>Tasks</h1>
        {page ? (
          <span className="page-subtitle" aria-live="polite">
            {page.total} {page.total === 1 ? "task" : "tasks"}
            {isFiltered(filters) ? " match" : ""}
          </span>
        ) : null}
      </div>
      <QuickAdd onAdd={addTask} />
      <TaskFilterBar filters={filters} onChange={changeFilters} />
      {content}
      {editing ? (
        <TaskEditor
          key={editing.id}
          task={editing}
          timeZone={timeZone}
          onSave={(changes) => saveTask(editing, changes)}
          onClose={() => setEditing(null)}
        />
      ) : null}
      <ToastList toasts={toasts} dismiss={dismiss} />
    </>
  );
}
