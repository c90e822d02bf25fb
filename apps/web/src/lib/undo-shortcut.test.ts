import { describe, expect, it } from "vitest";
import { isUndoShortcut, undoShortcut } from "./undo-shortcut";

const press = (
  key: string,
  modifiers: Partial<Record<"ctrl" | "meta" | "alt" | "shift", boolean>>,
) => ({
  key,
  ctrlKey: modifiers.ctrl ?? false,
  metaKey: modifiers.meta ?? false,
  altKey: modifiers.alt ?? false,
  shiftKey: modifiers.shift ?? false,
});

describe("the undo shortcut", () => {
  it("is Ctrl+Z or ⌘Z, and nothing else", () => {
    expect(isUndoShortcut(press("z", { ctrl: true }))).toBe(true);
    expect(isUndoShortcut(press("Z", { meta: true }))).toBe(true);
    expect(isUndoShortcut(press("z", {}))).toBe(false);
    expect(isUndoShortcut(press("z", { ctrl: true, shift: true }))).toBe(false);
    expect(isUndoShortcut(press("z", { ctrl: true, alt: true }))).toBe(false);
    expect(isUndoShortcut(press("y", { ctrl: true }))).toBe(false);
  });

  it("is named for the platform", () => {
    expect(undoShortcut("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5)")).toEqual({
      label: "⌘Z",
      aria: "Meta+Z",
    });
    expect(undoShortcut("Mozilla/5.0 (X11; Linux x86_64)")).toEqual({
      label: "Ctrl+Z",
      aria: "Control+Z",
    });
  });
});
