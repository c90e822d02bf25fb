"use client";

import { type Task, TITLE_MAX_LENGTH } from "@tasklane/contract";
import { type FormEvent, useState, useSyncExternalStore } from "react";
import { useCreateTask } from "./task-queries";

/**
 * Type a title, press Enter: the field empties at once for the next one, the task shows in the
 * list at once, and the saves go to the API one after another in the order typed. A title the
 * API refuses comes back into the field (if that is empty) with the reason, so nothing typed
 * is lost.
 */
const subscribeToNothing = () => () => {};

/** False in the server's HTML, true once React runs in the browser. */
function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );
}

export function QuickAdd({ onCreated }: { onCreated: (task: Task) => void }) {
  // Before the page's JavaScript runs, Enter would submit the form to the server and reload the
  // page, losing the title: the field takes input once it can keep it.
  const hydrated = useHydrated();
  const [title, setTitle] = useState("");
  const [error, setError] = useState<string | null>(null);
  const create = useCreateTask({
    onCreated,
    onFailed: (input, problem) => {
      const reason = problem.fieldErrors.title ?? problem.message;
      setError(`Could not add “${input.title.trim()}”: ${reason}`);
      setTitle((current) => (current === "" ? input.title : current));
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (title.trim() === "") return;
    setError(null);
    create.mutate({ title });
    setTitle("");
  }

  return (
    <form className="quick-add-form" onSubmit={submit}>
      <div className="quick-add">
        <label className="visually-hidden" htmlFor="quick-add-title">
          New task title
        </label>
        <input
          id="quick-add-title"
          className="input"
          placeholder="Add a task and press Enter"
          autoComplete="off"
          maxLength={TITLE_MAX_LENGTH}
          disabled={!hydrated}
          value={title}
          aria-invalid={error !== null}
          aria-describedby={error ? "quick-add-error" : undefined}
          onChange={(event) => setTitle(event.target.value)}
        />
        <button className="button button-primary" type="submit" disabled={!hydrated}>
          Add
        </button>
      </div>
      {error ? (
        <p className="field-error" id="quick-add-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
