"use client";

import {
  DESCRIPTION_MAX_LENGTH,
  TAG_MAX_LENGTH,
  TAGS_MAX_COUNT,
  TASK_CATEGORIES,
  TASK_PRIORITIES,
  TASK_STATUSES,
  type Task,
  TITLE_MAX_LENGTH,
  type UpdateTask,
} from "@tasklane/contract";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { InputField, SelectField, TextareaField } from "@/components/field";
import { describeApiFailure, type Problem } from "@/lib/api-errors";
import { CATEGORY_LABELS, PRIORITY_LABELS, STATUS_LABELS } from "@/lib/labels";
import { changesFromDraft, draftFromTask, type TaskDraft } from "@/lib/task-draft";

/**
 * Edits every field of a task in a modal dialog (the native <dialog>: focus stays inside, Escape
 * closes it, and focus returns to the button that opened it).
 */
export function TaskEditor({
  task,
  timeZone,
  onSave,
  onClose,
}: {
  task: Task;
  timeZone: string;
  onSave: (changes: UpdateTask) => Promise<void>;
  onClose: () => void;
}) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [draft, setDraft] = useState<TaskDraft>(() => draftFromTask(task, timeZone));
  const [problem, setProblem] = useState<Problem | null>(null);
  const [pending, setPending] = useState(false);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    // Start in the title rather than on the close button showModal would pick.
    document.getElementById("edit-title")?.focus();
  }, []);

  // Closing goes through the dialog itself, so the browser returns focus to the opener;
  // its close event then tells the parent.
  const close = () => dialogRef.current?.close();

  const set = <Key extends keyof TaskDraft>(key: Key, value: TaskDraft[Key]) =>
    setDraft((current) => ({ ...current, [key]: value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const changes = changesFromDraft(task, draft, timeZone);
    if (Object.keys(changes).length === 0) {
      close();
      return;
    }
    setPending(true);
    setProblem(null);
    try {
      await onSave(changes);
      close();
    } catch (error) {
      const described = describeApiFailure(error);
      setProblem(described);
      setPending(false);
      const firstField = Object.keys(described.fieldErrors)[0];
      const target = firstField === "due_date" ? "edit-due-date" : `edit-${firstField}`;
      document.getElementById(target)?.focus();
    }
  }

  const fieldError = (field: string) => problem?.fieldErrors[field];
  const formWide =
    problem && Object.keys(problem.fieldErrors).length === 0 ? problem.message : null;

  return (
    <dialog ref={dialogRef} className="dialog" aria-labelledby="edit-heading" onClose={onClose}>
      <form className="dialog-body form" onSubmit={submit} noValidate>
        <div className="dialog-header">
          <h2 id="edit-heading">Edit task</h2>
          <button
            type="button"
            className="button button-small button-quiet"
            onClick={close}
            aria-label="Close"
          >
            ×
          </button>
        </div>
        {formWide ? (
          <p className="alert" role="alert">
            {formWide}
          </p>
        ) : null}
        <InputField
          id="edit-title"
          label="Title"
          error={fieldError("title")}
          required
          maxLength={TITLE_MAX_LENGTH}
          value={draft.title}
          onValueChange={(title) => set("title", title)}
        />
        <TextareaField
          id="edit-description"
          label="Description"
          error={fieldError("description")}
          maxLength={DESCRIPTION_MAX_LENGTH}
          value={draft.description}
          onValueChange={(description) => set("description", description)}
        />
        <div className="form-row">
          <SelectField
            id="edit-status"
            label="Status"
            error={fieldError("status")}
            options={TASK_STATUSES}
            labels={STATUS_LABELS}
            value={draft.status}
            onValueChange={(status) => set("status", status)}
          />
          <SelectField
            id="edit-priority"
            label="Priority"
            error={fieldError("priority")}
            options={TASK_PRIORITIES}
            labels={PRIORITY_LABELS}
            value={draft.priority}
            onValueChange={(priority) => set("priority", priority)}
          />
          <SelectField
            id="edit-category"
            label="Category"
            error={fieldError("category")}
            options={TASK_CATEGORIES}
            labels={CATEGORY_LABELS}
            value={draft.category}
            onValueChange={(category) => set("category", category)}
          />
        </div>
        <InputField
          id="edit-tags"
          label="Tags"
          hint={`Separate tags with commas (up to ${TAGS_MAX_COUNT}, ${TAG_MAX_LENGTH} characters each).`}
          error={fieldError("tags")}
          autoComplete="off"
          value={draft.tags}
          onValueChange={(tags) => set("tags", tags)}
        />
        <div className="form-row">
          <InputField
            id="edit-due-date"
            label="Due date"
            hint="Leave empty for no due date."
            error={fieldError("due_date")}
            type="date"
            value={draft.dueDate}
            onValueChange={(dueDate) => set("dueDate", dueDate)}
          />
          <InputField
            id="edit-due-time"
            label="Time (optional)"
            hint="Without a time: end of the day."
            type="time"
            value={draft.dueTime}
            disabled={draft.dueDate === ""}
            onValueChange={(dueTime) => set("dueTime", dueTime)}
          />
        </div>
        <div className="form-actions">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={pending}>
            {pending ? "Saving…" : "Save changes"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
