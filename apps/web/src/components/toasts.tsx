"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { isUndoShortcut, keepsOwnUndo, undoShortcut } from "@/lib/undo-shortcut";

export interface Toast {
  id: number;
  message: string;
  tone: "info" | "error";
  /** Offers an Undo button, also reached with Ctrl+Z / ⌘Z while this is the newest such toast. */
  undo?: () => void;
}

const VISIBLE_MS = { info: 5_000, withUndo: 8_000, error: 10_000 };

/** Short-lived messages (with an optional Undo), announced to screen readers. */
export function useToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());

  const dismiss = useCallback((id: number) => {
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setToasts((current) => current.filter((toast) => toast.id !== id));
  }, []);

  const show = useCallback(
    (toast: Omit<Toast, "id">) => {
      const id = nextId.current++;
      // The newest two only: a burst of messages should not cover the list.
      setToasts((current) => [...current.slice(-1), { ...toast, id }]);
      const visibleMs =
        toast.tone === "error"
          ? VISIBLE_MS.error
          : toast.undo
            ? VISIBLE_MS.withUndo
            : VISIBLE_MS.info;
      timers.current.set(
        id,
        setTimeout(() => dismiss(id), visibleMs),
      );
      return id;
    },
    [dismiss],
  );

  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending.values()) clearTimeout(timer);
    };
  }, []);

  return { toasts, show, dismiss };
}

export function ToastList({ toasts, dismiss }: { toasts: Toast[]; dismiss: (id: number) => void }) {
  const undoable = toasts.findLast((toast) => toast.undo !== undefined);

  useEffect(() => {
    if (!undoable?.undo) return;
    const undo = undoable.undo;
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isUndoShortcut(event) || keepsOwnUndo(event.target)) return;
      event.preventDefault();
      undo();
      dismiss(undoable.id);
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [undoable, dismiss]);

  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((toast) => {
        const shortcut = toast === undoable ? undoShortcut(navigator.userAgent) : null;
        return (
          <div
            key={toast.id}
            className={toast.tone === "error" ? "toast toast-error" : "toast"}
            role={toast.tone === "error" ? "alert" : "status"}
          >
            <span>{toast.message}</span>
            <span>
              {toast.undo ? (
                <button
                  type="button"
                  className="link-button"
                  aria-keyshortcuts={shortcut?.aria}
                  onClick={() => {
                    toast.undo?.();
                    dismiss(toast.id);
                  }}
                >
                  Undo
                </button>
              ) : null}
              {shortcut ? (
                <span className="toast-shortcut">
                  (<kbd>{shortcut.label}</kbd>)
                </span>
              ) : null}{" "}
              <button
                type="button"
                className="link-button"
                aria-label="Dismiss message"
                onClick={() => dismiss(toast.id)}
              >
                ×
              </button>
            </span>
          </div>
        );
      })}
    </div>
  );
}
