"use client";

import {
  keepPreviousData,
  type QueryClient,
  type QueryKey,
  useMutation,
  useMutationState,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import type { CreateTask, Task, UpdateTask } from "@tasklane/contract";
import { useApi } from "@/components/api-provider";
import { describeApiFailure, type Problem } from "@/lib/api-errors";
import { statsKeys, type TaskPageView, taskKeys } from "@/lib/query-keys";
import { applyTaskChange, type CachedTaskPage, pendingTask } from "@/lib/task-cache";
import { toListQuery } from "@/lib/task-filters";

// Every write goes through one queue (a TanStack Query mutation scope), so the API stores them in
// the order they were made even when the next one starts before the last has answered. Each
// changes the cached pages at once, undoes exactly its own change when the API refuses it, and
// the last one to settle refetches what they affect.
const WRITES = { id: "task-writes" };

/** The fields that recreate a deleted task (Undo). */
function recreation(task: Task): CreateTask {
  const { title, description, status, priority, category, tags, due_date } = task;
  return { title, description, status, priority, category, tags, due_date };
}

/** One page of tasks for the URL's filters; the previous page stays on screen while it loads. */
export function useTaskPage(view: TaskPageView) {
  const api = useApi();
  return useQuery({
    queryKey: taskKeys.page(view),
    queryFn: async (): Promise<CachedTaskPage> => {
      const fetchedAt = Date.now();
      const query = toListQuery(view.filters, {
        now: new Date(fetchedAt),
        timeZone: view.timeZone,
      });
      return { ...(await api.listTasks(query)), fetchedAt };
    },
    placeholderData: keepPreviousData,
    // Rows are kept as they are written, so replaceShown can find a change it showed.
    structuralSharing: false,
  });
}

/** The tasks being created (queued or on their way), oldest first, as they will look. */
export function usePendingTasks(): Task[] {
  return useMutationState({
    filters: { mutationKey: taskKeys.create(), status: "pending" },
    select: (mutation) => {
      // A quick add's variables are the new task; an undo's are the deleted task.
      const input = mutation.state.variables as CreateTask | Task;
      const fields = "id" in input ? recreation(input) : input;
      return pendingTask(mutation.mutationId, fields, mutation.state.submittedAt);
    },
  });
}

function viewOf(key: QueryKey): TaskPageView {
  // taskKeys.page puts the view third.
  return key[2] as TaskPageView;
}

/** Shows a change of one task in every cached page (`before` null: created; `after` null: deleted). */
function showChange(queryClient: QueryClient, before: Task | null, after: Task | null): void {
  // A page fetch already on its way was answered before this change: drop its answer.
  void queryClient.cancelQueries({
    queryKey: taskKeys.pages(),
    predicate: (query) => query.state.data !== undefined,
  });
  for (const [key, page] of queryClient.getQueriesData<CachedTaskPage>({
    queryKey: taskKeys.pages(),
  })) {
    if (page) queryClient.setQueryData(key, applyTaskChange(page, viewOf(key), before, after));
  }
}

/**
 * Replaces a change shown before the answer (`shown`) by what the API stored, or by the task as
 * it was when the API refused. Rows changed again since then are left to that later change.
 */
function replaceShown(queryClient: QueryClient, shown: Task, next: Task): void {
  for (const [key, page] of queryClient.getQueriesData<CachedTaskPage>({
    queryKey: taskKeys.pages(),
  })) {
    if (page?.tasks.includes(shown)) {
      queryClient.setQueryData(key, applyTaskChange(page, viewOf(key), shown, next));
    }
  }
}

/** Refetches tasks and stats once the last write in the queue has settled. */
function refreshWhenSettled(queryClient: QueryClient): void {
  // The settling write still counts as pending here. A refetch while others are on their way
  // would briefly show the list without them.
  if (queryClient.isMutating({ mutationKey: taskKeys.all }) > 1) return;
  void queryClient.invalidateQueries({ queryKey: taskKeys.all });
  void queryClient.invalidateQueries({ queryKey: statsKeys.all });
}

/** Quick add: shown at once (see usePendingTasks), stored in the order typed. */
export function useCreateTask({
  onCreated,
  onFailed,
}: {
  onCreated: (task: Task) => void;
  onFailed: (input: CreateTask, problem: Problem) => void;
}) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: taskKeys.create(),
    scope: WRITES,
    mutationFn: (input: CreateTask) => api.createTask(input),
    // Into the cache before the pending row goes, so the row does not blink.
    onSuccess: (task) => {
      showChange(queryClient, null, task);
      onCreated(task);
    },
    onError: (error, input) => onFailed(input, describeApiFailure(error)),
    onSettled: () => refreshWhenSettled(queryClient),
  });
}

function withCompleted(task: Task, completed: boolean): Task {
  const now = new Date().toISOString();
  return {
    ...task,
    completed,
    status: completed ? "completed" : "pending",
    completed_at: completed ? now : null,
    updated_at: now,
  };
}

/** Complete, edit, delete and restore: each shown in the list before the API answers. */
export function useTaskChanges({
  onDeleted,
  onRestored,
  onFailed,
}: {
  onDeleted: (task: Task) => void;
  onRestored: (task: Task) => void;
  /** `action` is what could not be done, e.g. "update". */
  onFailed: (action: "update" | "delete" | "restore", task: Task, problem: Problem) => void;
}) {
  const api = useApi();
  const queryClient = useQueryClient();
  const common = {
    mutationKey: taskKeys.change(),
    scope: WRITES,
    onSettled: () => refreshWhenSettled(queryClient),
  };

  const complete = useMutation({
    ...common,
    mutationFn: ({ task, completed }: { task: Task; completed: boolean }) =>
      api.completeTask(task.id, completed),
    onMutate: ({ task, completed }) => {
      const shown = withCompleted(task, completed);
      showChange(queryClient, task, shown);
      return { shown };
    },
    onSuccess: (saved, _input, context) => replaceShown(queryClient, context.shown, saved),
    onError: (error, { task }, context) => {
      if (context) replaceShown(queryClient, context.shown, task);
      onFailed("update", task, describeApiFailure(error));
    },
  });

  // The editor waits for the answer (it shows the API's field errors), the list does not.
  const update = useMutation({
    ...common,
    mutationFn: ({ task, changes }: { task: Task; changes: UpdateTask }) =>
      api.updateTask(task.id, changes),
    onMutate: ({ task, changes }) => {
      const { status = task.status } = changes;
      const shown: Task = {
        ...task,
        ...(changes as Partial<Task>),
        status,
        completed: status === "completed",
        updated_at: new Date().toISOString(),
      };
      showChange(queryClient, task, shown);
      return { shown };
    },
    onSuccess: (saved, _input, context) => replaceShown(queryClient, context.shown, saved),
    onError: (_error, { task }, context) => {
      if (context) replaceShown(queryClient, context.shown, task);
    },
  });

  const remove = useMutation({
    ...common,
    mutationFn: (task: Task) => api.deleteTask(task.id),
    onMutate: (task) => showChange(queryClient, task, null),
    onSuccess: (_nothing, task) => onDeleted(task),
    onError: (error, task) => {
      showChange(queryClient, null, task);
      onFailed("delete", task, describeApiFailure(error));
    },
  });

  // Undo of a delete creates the task again (a new id, so it is new on the list too): like a
  // quick add, it shows at once as a task being created (usePendingTasks).
  const restore = useMutation({
    mutationKey: taskKeys.create(),
    scope: WRITES,
    mutationFn: (task: Task) => api.createTask(recreation(task)),
    onSuccess: (saved) => {
      showChange(queryClient, null, saved);
      onRestored(saved);
    },
    onError: (error, task) => onFailed("restore", task, describeApiFailure(error)),
    onSettled: () => refreshWhenSettled(queryClient),
  });

  return {
    complete: (task: Task) => complete.mutate({ task, completed: !task.completed }),
    update: (task: Task, changes: UpdateTask) => update.mutateAsync({ task, changes }),
    remove: (task: Task) => remove.mutate(task),
    restore: (task: Task) => restore.mutate(task),
  };
}
