// Undo of the newest undoable message (a deleted task): Ctrl+Z, or ⌘Z on Apple keyboards.
// Either modifier works everywhere; only the label differs.

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

export function isUndoShortcut(press: KeyPress): boolean {
  return (
    (press.ctrlKey || press.metaKey) &&
    !press.altKey &&
    !press.shiftKey &&
    press.key.toLowerCase() === "z"
  );
}

/** The shortcut as shown (`label`) and as `aria-keyshortcuts` names it, for this platform. */
export function undoShortcut(userAgent: string): { label: string; aria: string } {
  return /Mac|iPhone|iPad/.test(userAgent)
    ? { label: "⌘Z", aria: "Meta+Z" }
    : { label: "Ctrl+Z", aria: "Control+Z" };
}

/**
 * Where Ctrl+Z already means something (undo typing) or belongs to an open dialog, the page
 * leaves it alone.
 */
export function keepsOwnUndo(target: EventTarget | null): boolean {
  if (document.querySelector("dialog[open]")) return true;
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement) return true;
  return (
    target instanceof HTMLInputElement &&
    !["checkbox", "radio", "button", "submit", "reset"].includes(target.type)
  );
}
