import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../domain-errors";
import { httpErrorOf } from "../errors";
import { resolveStatus, toTaskChanges, trimTaskBody } from "./input";

describe("trimTaskBody", () => {
  it("trims the title and each tag, collapsing duplicates after trimming (first kept)", () => {
    const body = { title: "  Buy milk \n", tags: ["b ", " a", "b", "a ", "c"] };
    trimTaskBody(body);
    expect(body).toEqual({ title: "Buy milk", tags: ["b", "a", "c"] });
  });

  it("leaves values of the wrong type for validation to report", () => {
    const body = { title: 42, tags: ["a", 1] };
    trimTaskBody(body);
    expect(body).toEqual({ title: 42, tags: ["a", 1] });
  });

  it("ignores bodies that are not objects", () => {
    for (const body of [undefined, null, "text", ["title"]])
      expect(() => trimTaskBody(body)).not.toThrow();
  });
});

describe("resolveStatus", () => {
  it.each([
    [undefined, undefined, undefined],
    ["in_progress", undefined, "in_progress"],
    [undefined, true, "completed"],
    [undefined, false, "pending"],
    ["in_progress", false, "in_progress"],
    ["completed", true, "completed"],
  ] as const)("status %s with completed %s gives %s", (status, completed, expected) => {
    expect(resolveStatus(status, completed)).toBe(expected);
  });

  it.each([
    ["pending", true],
    ["completed", false],
  ] as const)("refuses status %s with completed %s as a 422 on completed", (status, completed) => {
    expect(() => resolveStatus(status, completed)).toThrow(InvalidInputError);
    try {
      resolveStatus(status, completed);
    } catch (error) {
      expect(httpErrorOf(error as InvalidInputError).toBody()).toMatchObject({
        status_code: 422,
        errors: [{ field: "completed" }],
      });
    }
  });
});

describe("toTaskChanges", () => {
  it("maps only the fields given, parsing due dates", () => {
    expect(toTaskChanges({ title: "t", due_date: "2026-12-01" })).toEqual({
      title: "t",
      dueDate: new Date("2026-12-01T00:00:00.000Z"),
    });
    expect(toTaskChanges({ due_date: null, description: null })).toEqual({
      dueDate: null,
      description: null,
    });
  });
});
