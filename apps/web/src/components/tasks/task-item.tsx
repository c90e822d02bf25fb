"use client";

import type { Task } from "@tasklane/contract";
import { describeDue } from "@/lib/due-dates";
import { CATEGORY_LABELS, PRIORITY_LABELS, STATUS_LABELS } from "@/lib/labels";

export interface TaskItemProps {
  task: Task;
  /** Still being created: shown, but there is nothing to act on until the API has stored it. */
  pending: boolean;
  now: Date;
  timeZone: string;
  onToggle: (task: Task) => void;
  onEdit: (task: Task) => void;
  onDelete: (task: Task) => void;
  onTag: (tag: string) => void;
}

export function TaskItem({
  task,
  pending,
  now,
  timeZone,
  onToggle,
  onEdit,
  onDelete,
  onTag,
}: TaskItemProps) {
  const due = task.due_date ? describeDue(task.due_date, task.completed, { now, timeZone }) : null;
  const classes = ["task"];
  if (task.completed) classes.push("task-completed");
  if (due?.tone === "overdue") classes.push("task-overdue");
  if (pending) {
    classes.push("task-pending");
    return (
      <li className={classes.join(" ")} aria-busy="true">
        <span className="task-check-placeholder" aria-hidden="true" />
        <div className="task-body">
          <p className="task-title">{task.title}</p>
          <div className="task-meta">
            <span className="task-saving">Saving…</span>
          </div>
        </div>
      </li>
    );
  }
  return (
    <li className={classes.join(" ")} data-task-id={task.id}>
      <input
        type="checkbox"
        className="task-check"
        checked={task.completed}
        onChange={() => onToggle(task)}
        data-action="complete"
        aria-label={`Complete “${task.title}”`}
      />
      <div className="task-body">
        <p className="task-title">{task.title}</p>
        {task.description ? <p className="task-description">{task.description}</p> : null}
        <div className="task-meta">
          {task.status === "in_progress" ? (
            <span className="badge badge-progress">{STATUS_LABELS.in_progress}</span>
          ) : null}
          <span className={`badge badge-${task.priority}`}>
            <span className="visually-hidden">Priority: </span>
            {PRIORITY_LABELS[task.priority]}
          </span>
          <span className="badge">
            <span className="visually-hidden">Category: </span>
            {CATEGORY_LABELS[task.category]}
          </span>
          {task.tags.map((tag) => (
            <button
              key={tag}
              type="button"
              className="tag-button"
              onClick={() => onTag(tag)}
              aria-label={`Show tasks tagged ${tag}`}
            >
              #{tag}
            </button>
          ))}
          {due && task.due_date ? (
            <time className={`due due-${due.tone}`} dateTime={task.due_date} title={due.full}>
              {due.label}
            </time>
          ) : null}
        </div>
      </div>
      <div className="task-actions">
        <button
          type="button"
          className="button button-small button-quiet"
          onClick={() => onEdit(task)}
          data-action="edit"
          aria-label={`Edit “${task.title}”`}
        >
          Edit
        </button>
        <button
          type="button"
          className="button button-small button-quiet"
          onClick={() => onDelete(task)}
          data-action="delete"
          aria-label={`Delete “${task.title}”`}
        >
          Delete
        </button>
      </div>
    </li>
  );
}
