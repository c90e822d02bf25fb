import type { Task } from "@tasklane/contract";
import { describe, expect, it } from "vitest";
import { changesFromDraft, draftFromTask, parseTags } from "./task-draft";

const TASK: Task = {
  id: "0193c0de-0000-7000-8000-000000000000",
  user_id: "u1",
  title: "Buy milk",
  description: null,
  status: "pending",
  completed: false,
  priority: "medium",
  category: "other",
  tags: ["errand", "shop"],
  due_date: "2026-12-01T22:59:59.999Z",
  completed_at: null,
  created_at: "2026-11-23T10:00:00.000Z",
  updated_at: "2026-11-23T10:00:00.000Z",
};
const PARIS = "Europe/Paris";

describe("task drafts", () => {
  it("fills the form from a task in the person's time zone", () => {
    expect(draftFromTask(TASK, PARIS)).toEqual({
      title: "Buy milk",
      description: "",
      status: "pending",
      priority: "medium",
      category: "other",
      tags: "errand, shop",
      dueDate: "2026-12-01",
      dueTime: "",
    });
  });

  it("sends nothing when nothing changed", () => {
    expect(changesFromDraft(TASK, draftFromTask(TASK, PARIS), PARIS)).toEqual({});
  });

  it("sends only the changed fields", () => {
    const draft = {
      ...draftFromTask(TASK, PARIS),
      description: "2 litres",
      status: "in_progress" as const,
      priority: "high" as const,
      tags: "errand, shop, dairy",
      dueTime: "09:00",
    };
    expect(changesFromDraft(TASK, draft, PARIS)).toEqual({
      description: "2 litres",
      status: "in_progress",
      priority: "high",
      tags: ["errand", "shop", "dairy"],
      due_date: "2026-12-01T08:00:00.000Z",
    });
  });

  it("clears the description and the due date with empty inputs", () => {
    const withDescription = { ...TASK, description: "old" };
    const draft = { ...draftFromTask(withDescription, PARIS), description: "", dueDate: "" };
    expect(changesFromDraft(withDescription, draft, PARIS)).toEqual({
      description: null,
      due_date: null,
    });
  });

  it("leaves the title as typed, for the API to judge", () => {
    const draft = { ...draftFromTask(TASK, PARIS), title: "   " };
    expect(changesFromDraft(TASK, draft, PARIS)).toEqual({ title: "   " });
  });
});

describe("parseTags", () => {
  it("trims, drops empty tags and keeps each once", () => {
    expect(parseTags(" a, b,, a ,c ")).toEqual(["a", "b", "c"]);
    expect(parseTags("")).toEqual([]);
  });
});
