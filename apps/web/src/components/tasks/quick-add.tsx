"use client";

import { type FormEvent, useState } from "react";

/** Type a title, press Enter. The input keeps focus, ready for the next task. */
export function QuickAdd({ onAdd }: { onAdd: (title: string) => Promise<string | null> }) {
  const [title, setTitle] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (title.trim() === "" || pending) return;
    setPending(true);
    const problem = await onAdd(title);
    setPending(false);
    setError(problem);
    if (problem === null) setTitle("");
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
          maxLength={400}
          value={title}
          aria-invalid={error !== null}
          aria-describedby={error ? "quick-add-error" : undefined}
          onChange={(event) => setTitle(event.target.value)}
        />
        <button className="button button-primary" type="submit" disabled={pending}>
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
