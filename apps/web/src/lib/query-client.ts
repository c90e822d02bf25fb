import { notifyManager, QueryClient } from "@tanstack/react-query";
import { ApiError } from "@tasklane/contract";

/**
 * Reads are tried once more when the server could not be reached or failed (a restart, a
 * dropped connection), not when it answered with a verdict such as 404, 422 or 429.
 */
export function shouldRetryRead(failures: number, error: unknown): boolean {
  if (failures >= 1) return false;
  return !(error instanceof ApiError) || error.status >= 500;
}

/** The browser's one cache of server state (tasks, stats; lists later). */
export function createQueryClient(): QueryClient {
  // Cache changes reach the components in a microtask rather than the default setTimeout, so an
  // optimistic change is on screen before the browser handles the next event (a checkbox that
  // was clicked never shows its old state for a frame).
  notifyManager.setScheduler(queueMicrotask);
  return new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetryRead },
      mutations: { retry: false },
    },
  });
}
