import { describe, expect, it } from "vitest";
import {
  describeDue,
  dueInputFromIso,
  dueIsoFromInput,
  startOfDay,
  zonedParts,
  zonedTimeToUtc,
} from "./due-dates";

const PARIS = "Europe/Paris";
const NEW_YORK = "America/New_York";
const TOKYO = "Asia/Tokyo";

/** 2026-03-10 10:00 in Paris (UTC+1). */
const NOW = new Date("2026-03-10T09:00:00.000Z");
const at = (timeZone: string, now = NOW) => ({ now, timeZone, locale: "en-US" });

describe("zonedTimeToUtc", () => {
  it("finds the instant a wall clock shows, across DST changes", () => {
    const local = { year: 2026, month: 3, day: 8, hour: 12, minute: 0, second: 0, millisecond: 0 };
    // New York switches to EDT (UTC-4) at 02:00 on 2026-03-08.
    expect(zonedTimeToUtc(local, NEW_YORK).toISOString()).toBe("2026-03-08T16:00:00.000Z");
    expect(zonedTimeToUtc({ ...local, day: 7 }, NEW_YORK).toISOString()).toBe(
      "2026-03-07T17:00:00.000Z",
    );
    expect(zonedTimeToUtc(local, TOKYO).toISOString()).toBe("2026-03-08T03:00:00.000Z");
  });

  it("is the inverse of zonedParts", () => {
    const instant = new Date("2026-10-25T03:30:00.000Z");
    expect(zonedTimeToUtc(zonedParts(instant, PARIS), PARIS).toISOString()).toBe(
      instant.toISOString(),
    );
  });
});

describe("startOfDay", () => {
  it("is local midnight, also n days later and over a month end", () => {
    expect(startOfDay(NOW, PARIS).toISOString()).toBe("2026-03-09T23:00:00.000Z");
    expect(startOfDay(NOW, TOKYO, 1).toISOString()).toBe("2026-03-10T15:00:00.000Z");
    expect(startOfDay(new Date("2026-01-31T12:00:00Z"), "UTC", 1).toISOString()).toBe(
      "2026-02-01T00:00:00.000Z",
    );
  });
});

describe("describeDue", () => {
  const endOfDay = (date: string, timeZone = PARIS) => dueIsoFromInput(date, "", timeZone) ?? "";

  it.each([
    ["2026-03-10", "Due today", "soon"],
    ["2026-03-11", "Due tomorrow", "soon"],
    ["2026-03-13", "Due in 3 days", "later"],
    ["2026-03-20", "Due Mar 20", "later"],
    ["2027-01-05", "Due Jan 5, 2027", "later"],
    ["2026-03-09", "1 day overdue", "overdue"],
    ["2026-03-07", "3 days overdue", "overdue"],
  ])("describes a task due %s as %s", (date, label, tone) => {
    expect(describeDue(endOfDay(date), false, at(PARIS))).toMatchObject({ label, tone });
  });

  it("counts calendar days in the person's own time zone", () => {
    // 2026-03-10 23:30 in Tokyo is still the 10th there but already tomorrow-ish elsewhere.
    const due = "2026-03-10T14:30:00.000Z";
    expect(describeDue(due, false, at(TOKYO)).label).toBe("Due today at 11:30 PM");
    expect(describeDue(due, false, at(NEW_YORK)).label).toBe("Due today at 10:30 AM");
    expect(describeDue(due, false, at("Pacific/Kiritimati")).label).toBe("Due tomorrow at 4:30 AM");
  });

  it("shows the time only when one was picked, and overdue since that time today", () => {
    const due = dueIsoFromInput("2026-03-10", "08:15", PARIS) ?? "";
    expect(describeDue(due, false, at(PARIS))).toMatchObject({
      label: "Overdue since 8:15 AM",
      tone: "overdue",
    });
    expect(describeDue(due, true, at(PARIS))).toMatchObject({
      label: "Due today at 8:15 AM",
      tone: "done",
    });
  });

  it("does not call a completed task overdue", () => {
    expect(describeDue(endOfDay("2026-03-07"), true, at(PARIS))).toMatchObject({
      label: "Due 3 days ago",
      tone: "done",
    });
    expect(describeDue(endOfDay("2026-03-09"), true, at(PARIS)).label).toBe("Due yesterday");
  });

  it("gives the full date for a tooltip", () => {
    expect(describeDue(endOfDay("2026-03-11"), false, at(PARIS)).full).toBe(
      "Wednesday, March 11, 2026 at 11:59 PM",
    );
  });
});

describe("due date inputs", () => {
  it("turns a date without time into the end of that day in the time zone", () => {
    expect(dueIsoFromInput("2026-12-01", "", PARIS)).toBe("2026-12-01T22:59:59.999Z");
    expect(dueIsoFromInput("2026-12-01", "", NEW_YORK)).toBe("2026-12-02T04:59:59.999Z");
  });

  it("keeps a picked time", () => {
    expect(dueIsoFromInput("2026-07-01", "09:30", PARIS)).toBe("2026-07-01T07:30:00.000Z");
  });

  it("means no due date when the date is empty", () => {
    expect(dueIsoFromInput("", "09:30", PARIS)).toBeNull();
  });

  it("round-trips through the inputs", () => {
    expect(dueInputFromIso("2026-12-01T22:59:59.999Z", PARIS)).toEqual({
      date: "2026-12-01",
      time: "",
    });
    expect(dueInputFromIso("2026-07-01T07:30:00.000Z", PARIS)).toEqual({
      date: "2026-07-01",
      time: "09:30",
    });
    expect(dueInputFromIso(null, PARIS)).toEqual({ date: "", time: "" });
  });
});
