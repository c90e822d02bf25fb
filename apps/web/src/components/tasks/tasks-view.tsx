"use client";

import type { Task, UpdateTask } from "@tasklane/contract";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import {
  type ReactNode,
  useCallback,
  useEffect,
  useMemo,
  useOptimistic,
  useRef,
  useState,
  useTransition,
} from "react";
import { EmptyState, ErrorState, LoadingRows } from "@/components/request-states";
import { ToastList, useToasts } from "@/components/toasts";
import { describeApiFailure, type Problem } from "@/lib/api-errors";
import { browserTimeZone } from "@/lib/due-dates";
import { isPending, withPendingTasks } from "@/lib/task-cache";
import {
  filtersFromSearchParams,
  filtersToSearchParams,
  isFiltered,
  pageCount,
  type TaskFilters,
  updateFilters,
} from "@/lib/task-filters";
import { Pagination } from "./pagination";
import { QuickAdd } from "./quick-add";
import { TaskEditor } from "./task-editor";
import { TaskFilterBar } from "./task-filter-bar";
import { TaskItem } from "./task-item";
import { usePendingTasks, useTaskChanges, useTaskPage } from "./task-queries";

/** The nearest row of a saved task (not one still being created) in `direction`. */
function savedSibling(row: Element, direction: "nextElementSibling" | "previousElementSibling") {
  let current = row[direction];
  while (current && !current.hasAttribute("data-task-id")) current = current[direction];
  return current;
}

/**
 * Before a task's row goes away while focus is in it (deleting by keyboard), focus moves to the
 * same button of the next task, else of the previous one, else to `fallback` (the heading).
 */
function moveFocusOffRow(task: Task, fallback: HTMLElement | null): void {
  const row = document.querySelector(`[data-task-id="${CSS.escape(task.id)}"]`);
  const focused = document.activeElement;
  if (!row || !focused || !row.contains(focused)) return;
  const action = focused.getAttribute("data-action") ?? "delete";
  const neighbour =
    savedSibling(row, "nextElementSibling") ?? savedSibling(row, "previousElementSibling");
  const target = neighbour?.querySelector<HTMLElement>(`[data-action="${action}"]`);
  (target ?? fallback)?.focus();
}

export function TasksView() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  // The URL is the only home of the filters (bookmarks, back and forward): the list is fetched
  // for what it says. While a change is on its way there, the controls show it already (and a
  // second change builds on it); then they follow the URL again.
  const urlFilters = useMemo(
    () => filtersFromSearchParams(new URLSearchParams(searchParams.toString())),
    [searchParams],
  );
  const [shownFilters, showFilters] = useOptimistic(urlFilters);
  const [, startTransition] = useTransition();
  const [timeZone] = useState(browserTimeZone);
  const view = useMemo(() => ({ filters: urlFilters, timeZone }), [urlFilters, timeZone]);
  const { data, error, isError, isFetching, isPlaceholderData, refetch } = useTaskPage(view);
  const pending = usePendingTasks();
  const page = useMemo(
    () => (data ? withPendingTasks(data, view, pending) : undefined),
    [data, view, pending],
  );
  const now = useMemo(() => new Date(data?.fetchedAt ?? 0), [data?.fetchedAt]);
  const [editing, setEditing] = useState<Task | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const { toasts, show, dismiss } = useToasts();

  const changeFilters = useCallback(
    (change: Partial<TaskFilters>, history: "push" | "replace" = "push") => {
      const next = updateFilters(shownFilters, change);
      const query = filtersToSearchParams(next).toString();
      startTransition(() => {
        showFilters(next);
        router[history](`${pathname}${query ? `?${query}` : ""}`, { scroll: false });
      });
    },
    [shownFilters, showFilters, pathname, router],
  );

  const failed = useCallback(
    (action: string, task: Task, problem: Problem) =>
      show({ tone: "error", message: `Could not ${action} “${task.title}”: ${problem.message}` }),
    [show],
  );
  const { complete, update, remove, restore } = useTaskChanges({
    onDeleted: (task) =>
      show({
        tone: "info",
        message: `Deleted “${task.title}”.`,
        undo: () => restore(task),
      }),
    onRestored: (task) => show({ tone: "info", message: `Restored “${task.title}”.` }),
    onFailed: failed,
  });
  const added = useCallback(
    (task: Task) => show({ tone: "info", message: `Added “${task.title}”.` }),
    [show],
  );

  // Deleting the last tasks of the last page leaves it empty: step back to the new last page.
  useEffect(() => {
    if (data && !isPlaceholderData && data.total > 0 && urlFilters.page > pageCount(data.total)) {
      changeFilters({ page: pageCount(data.total) }, "replace");
    }
  }, [data, isPlaceholderData, urlFilters.page, changeFilters]);

  function deleteTask(task: Task) {
    moveFocusOffRow(task, heading.current);
    remove(task);
  }

  async function saveTask(task: Task, changes: UpdateTask) {
    const saved = await update(task, changes);
    show({ tone: "info", message: `Saved “${saved.title}”.` });
  }

  let content: ReactNode;
  if (isError) {
    content = (
      <ErrorState
        problem={describeApiFailure(error)}
        onRetry={() => void refetch()}
        retrying={isFetching}
      />
    );
  } else if (page === undefined) {
    content = <LoadingRows label="Loading tasks" />;
  } else if (page.tasks.length === 0) {
    content = isFiltered(urlFilters) ? (
      <EmptyState title="No tasks match these filters">
        <p>Try another search, or clear the filters to see everything.</p>
      </EmptyState>
    ) : (
      <EmptyState title={urlFilters.page > 1 ? "Nothing on this page" : "No tasks yet"}>
        <p>Type a title above and press Enter to add your first task.</p>
      </EmptyState>
    );
  } else {
    content = (
      <>
        <ul className="task-list" aria-label="Tasks" aria-busy={isPlaceholderData}>
          {page.tasks.map((task) => (
            <TaskItem
              key={task.id}
              task={task}
              pending={isPending(task)}
              now={now}
              timeZone={timeZone}
              onToggle={complete}
              onEdit={setEditing}
              onDelete={deleteTask}
              onTag={(tag) => changeFilters({ tag })}
            />
          ))}
        </ul>
        <Pagination
          page={urlFilters.page}
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
        <h1 ref={heading} tabIndex={-1}>
          Tasks
        </h1>
        {page ? (
          <span className="page-subtitle" aria-live="polite">
            {page.total} {page.total === 1 ? "task" : "tasks"}
            {isFiltered(urlFilters) ? " match" : ""}
          </span>
        ) : null}
      </div>
      <QuickAdd onCreated={added} />
      <TaskFilterBar filters={shownFilters} onChange={changeFilters} />
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
