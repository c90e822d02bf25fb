import type { Stats, Task } from "@tasklane/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../test/app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  // Another user's tasks, of every kind, are in the database for every test: none may count.
  const noise = [
    { title: "noise done", completed: true, priority: "high", category: "home" },
    { title: "noise overdue", due_date: "2000-01-01", priority: "low", category: "work" },
    { title: "noise today", due_date: new Date().toISOString(), status: "in_progress" },
    { title: "noise future", due_date: "2999-01-01", category: "personal" },
  ];
  for (const body of noise) await create("stats-noise", body);
});
afterAll(() => t.close());

const HOUR = 3_600_000;

async function create(user: string, body: Record<string, unknown>): Promise<Task> {
  const response = await t.as(user, { method: "POST", url: "/api/tasks", payload: body });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Task>();
}

async function createAll(user: string, bodies: Record<string, unknown>[]) {
  for (const body of bodies) await create(user, body);
}

async function stats(user: string, query = "", path = "/api/stats"): Promise<Stats> {
  const response = await t.as(user, { method: "GET", url: query ? `${path}?${query}` : path });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Stats>();
}

const EMPTY: Stats = {
  total: 0,
  completed: 0,
  pending: 0,
  in_progress: 0,
  overdue: 0,
  due_today: 0,
  completion_rate: 0,
  by_priority: { low: 0, medium: 0, high: 0 },
  by_category: { work: 0, personal: 0, home: 0, other: 0 },
};

// --- Days in a time zone, computed independently of the API (Intl, DST-aware) ---

/** The local calendar date (YYYY-MM-DD) of `instant` in `timeZone`. */
function localDate(timeZone: string, instant: number): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(instant);
}

/** The UTC offset of `timeZone` at `instant`, in milliseconds. */
function offsetMs(timeZone: string, instant: number): number {
  const name =
    new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })
      .formatToParts(instant)
      .find((part) => part.type === "timeZoneName")?.value ?? "";
  const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  if (!match) throw new Error(`unexpected offset name ${name}`);
  if (!match[1]) return 0;
  return (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) * 60_000;
}

/** The instant the local day containing `instant` starts in `timeZone`. */
function startOfDay(timeZone: string, instant: number): number {
  const [year, month, day] = localDate(timeZone, instant).split("-").map(Number) as [
    number,
    number,
    number,
  ];
  const midnightAsUtc = Date.UTC(year, month - 1, day);
  const guess = midnightAsUtc - offsetMs(timeZone, midnightAsUtc);
  return midnightAsUtc - offsetMs(timeZone, guess);
}

/** Today in `timeZone` as [start, end): `end` is when tomorrow starts (days may last 23-25 h). */
function today(timeZone: string, now: number): { start: number; end: number } {
  const start = startOfDay(timeZone, now);
  return { start, end: startOfDay(timeZone, start + 26 * HOUR) };
}

const iso = (instant: number) => new Date(instant).toISOString();

/**
 * Runs `attempt` (which builds tasks around "today" and fetches stats) again, for a fresh
 * user, when a day boundary in UTC or one of `zones` fell while it ran or within a second
 * after: every expectation about "today" then holds whatever the time of day.
 */
async function onOneDay<T>(zones: string[], attempt: (run: number) => Promise<T>): Promise<T> {
  const days = (instant: number) =>
    ["UTC", ...zones].map((zone) => localDate(zone, instant)).join();
  for (let run = 0; run < 3; run++) {
    const before = days(Date.now());
    const result = await attempt(run);
    if (days(Date.now() + 1000) === before) return result;
  }
  throw new Error("the day kept changing while the test ran");
}

describe("a user without tasks", () => {
  const user = "stats-empty";

  it("gets all zeros, every bucket present, and completion_rate 0", async () => {
    expect(await stats(user)).toEqual(EMPTY);
  });

  it("gets the same on /api/{user_id}/stats and with a tz", async () => {
    expect(await stats(user, "", `/api/${user}/stats`)).toEqual(EMPTY);
    expect(await stats(user, "tz=Europe/Paris")).toEqual(EMPTY);
  });
});

describe("counts", () => {
  it("counts by status, priority and category, with overdue, due_today and the completion rate", async () => {
    const { result, user } = await onOneDay([], async (run) => {
      const user = `stats-counts-${run}`;
      const { start } = today("UTC", Date.now());
      await createAll(user, [
        { title: "1", completed: true, priority: "low", category: "work", due_date: "2000-01-01" },
        {
          title: "2",
          completed: true,
          priority: "low",
          category: "personal",
          due_date: iso(start),
        },
        { title: "3", status: "completed", priority: "medium", category: "personal" },
        { title: "4", completed: true, priority: "medium", category: "work" },
        { title: "5", completed: true, priority: "high", category: "other" },
        // Due earlier today: overdue and due today.
        { title: "6", priority: "low", category: "work", due_date: iso(start) },
        // Due yesterday: overdue only.
        { title: "7", priority: "medium", category: "personal", due_date: iso(start - 24 * HOUR) },
        { title: "8", priority: "medium", category: "personal", due_date: "2999-01-01" },
        { title: "9", status: "pending", priority: "medium", category: "work" },
        { title: "10", priority: "medium", category: "home" },
        { title: "11", priority: "high", category: "personal" },
        { title: "12", status: "in_progress", category: "other", due_date: "2999-01-01" },
      ]);
      return { result: await stats(user), user };
    });
    const expected: Stats = {
      total: 12,
      completed: 5,
      pending: 6,
      in_progress: 1,
      overdue: 2,
      due_today: 1,
      completion_rate: 0.4167,
      by_priority: { low: 3, medium: 7, high: 2 },
      by_category: { work: 4, personal: 5, home: 1, other: 2 },
    };
    expect(result).toEqual(expected);
    // Counts that do not depend on the day, on the other route.
    const scoped = await stats(user, "", `/api/${user}/stats`);
    expect({ ...scoped, overdue: 2, due_today: 1 }).toEqual(expected);
  });

  it("follows changes: completing and deleting tasks", async () => {
    const user = "stats-changes";
    const a = await create(user, { title: "a", priority: "high", category: "home" });
    await create(user, { title: "b", status: "in_progress" });
    await t.as(user, { method: "PATCH", url: `/api/tasks/${a.id}/complete` });
    expect(await stats(user)).toMatchObject({
      total: 2,
      completed: 1,
      pending: 0,
      in_progress: 1,
      completion_rate: 0.5,
    });
    await t.as(user, { method: "DELETE", url: `/api/tasks/${a.id}` });
    expect(await stats(user)).toEqual({
      ...EMPTY,
      total: 1,
      in_progress: 1,
      by_priority: { low: 0, medium: 1, high: 0 },
      by_category: { work: 0, personal: 0, home: 0, other: 1 },
    });
  });

  it("never counts another user's tasks", async () => {
    const user = "stats-own-only";
    await create(user, { title: "mine", priority: "low", category: "work" });
    expect(await stats(user)).toEqual({
      ...EMPTY,
      total: 1,
      pending: 1,
      by_priority: { low: 1, medium: 0, high: 0 },
      by_category: { work: 1, personal: 0, home: 0, other: 0 },
    });
    expect((await stats("stats-noise")).total).toBe(4);
  });
});

describe("completion_rate", () => {
  it.each([
    [5, 12, 0.4167],
    [1, 3, 0.3333],
    [2, 3, 0.6667],
    [1, 7, 0.1429],
    [1, 8, 0.125],
    [1, 1, 1],
    [0, 2, 0],
  ])("is %i of %i completed rounded to 4 decimals: %d", async (completed, total, rate) => {
    const user = `stats-rate-${completed}-of-${total}`;
    await createAll(
      user,
      Array.from({ length: total }, (_, i) => ({ title: `t${i}`, completed: i < completed })),
    );
    const result = await stats(user);
    expect(result.completion_rate).toBe(rate);
    expect(result).toMatchObject({ total, completed });
  });
});

describe("overdue", () => {
  it("counts tasks not completed and due before now, whatever their status", async () => {
    const user = "stats-overdue";
    const now = Date.now();
    await createAll(user, [
      { title: "long ago", due_date: "2000-01-01" },
      { title: "in progress, late", status: "in_progress", due_date: "2020-06-01T12:00:00Z" },
      { title: "an hour ago", due_date: iso(now - HOUR) },
      { title: "in an hour", due_date: iso(now + HOUR) },
      { title: "far future", due_date: "2999-01-01" },
      { title: "no due date" },
      { title: "done, late", completed: true, due_date: "2000-01-01" },
    ]);
    expect((await stats(user)).overdue).toBe(3);
  });
});

describe("due_today", () => {
  it("in UTC by default: a task due earlier today counts in both overdue and due_today", async () => {
    const result = await onOneDay([], async (run) => {
      const user = `stats-today-utc-${run}`;
      const { start, end } = today("UTC", Date.now());
      await createAll(user, [
        { title: "start of today", due_date: iso(start) },
        { title: "end of today", due_date: iso(end - 1) },
        { title: "start of tomorrow", due_date: iso(end) },
        { title: "end of yesterday", due_date: iso(start - 1) },
      ]);
      return { plain: await stats(user), utc: await stats(user, "tz=UTC") };
    });
    expect(result.plain).toMatchObject({ total: 4, due_today: 2, overdue: 2 });
    expect(result.utc).toEqual(result.plain);
  });

  it("never counts completed tasks as due today or overdue", async () => {
    const result = await onOneDay([], async (run) => {
      const user = `stats-today-completed-${run}`;
      const { start, end } = today("UTC", Date.now());
      await createAll(user, [
        { title: "done, due earlier today", completed: true, due_date: iso(start) },
        { title: "done, due later today", completed: true, due_date: iso(end - 1) },
        { title: "done, long overdue", status: "completed", due_date: "2000-01-01" },
      ]);
      return stats(user, "tz=Pacific/Kiritimati");
    });
    expect(result).toMatchObject({ total: 3, completed: 3, overdue: 0, due_today: 0 });
  });

  // Each zone is far enough from UTC that its day and UTC's always differ. Open tasks are due at
  // both days' edges: UTC's today holds 4 of them and the zone's today 3, at any time of day.
  it.each([
    "Pacific/Kiritimati", // UTC+14
    "Pacific/Pago_Pago", // UTC-11
    "Asia/Kolkata", // UTC+05:30
    "America/New_York", // UTC-5 / UTC-4 (DST)
  ])("with tz=%s counts the tasks due within that zone's today", async (zone) => {
    const result = await onOneDay([zone], async (run) => {
      const user = `stats-today-${zone.replace("/", "-")}-${run}`;
      const now = Date.now();
      const utc = today("UTC", now);
      const local = today(zone, now);
      const dueDates = [
        utc.start,
        utc.end - 1,
        local.start,
        local.end - 1,
        local.end,
        local.start - 1,
      ];
      await createAll(user, [
        ...dueDates.map((due, i) => ({ title: `open ${i}`, due_date: iso(due) })),
        { title: "done, due today here", completed: true, due_date: iso(local.start) },
        { title: "done, due today in UTC", completed: true, due_date: iso(utc.start) },
      ]);
      return {
        inUtc: await stats(user),
        inZone: await stats(user, `tz=${encodeURIComponent(zone)}`),
        overdue: dueDates.filter((due) => due < now).length,
      };
    });
    expect(result.inUtc.due_today).toBe(4);
    expect(result.inZone.due_today).toBe(3);
    // tz only moves the day: everything else is the same.
    expect({ ...result.inZone, due_today: 4 }).toEqual(result.inUtc);
    expect(result.inUtc).toMatchObject({ total: 8, completed: 2, overdue: result.overdue });
  });

  it.each(["UTC", "Etc/UTC", "Europe/Paris", "America/Argentina/Buenos_Aires", "Etc/GMT+5"])(
    "accepts the IANA zone %s",
    async (zone) => {
      expect(await stats("stats-empty", `tz=${encodeURIComponent(zone)}`)).toEqual(EMPTY);
    },
  );

  it.each([
    ["an unknown zone", "Mars/Olympus_Mons"],
    ["a misspelt zone", "Europe/Pariss"],
    ["a sentence", "Not a zone"],
    ["an empty value", ""],
    ["a path", "../../etc/passwd"],
    ["a 65-character value", `Europe/${"x".repeat(58)}`],
  ])("rejects %s with a 422 naming tz", async (_name, zone) => {
    for (const path of ["/api/stats", "/api/stats-tz/stats"]) {
      const response = await t.as("stats-tz", {
        method: "GET",
        url: `${path}?tz=${encodeURIComponent(zone)}`,
      });
      expect(response.statusCode, response.body).toBe(422);
      const body = response.json();
      expect(Object.keys(body).sort()).toEqual(["detail", "error_type", "errors", "status_code"]);
      expect(body).toMatchObject({
        status_code: 422,
        error_type: "validation_error",
        errors: [{ field: "tz", message: expect.any(String) }],
      });
      expect(body.errors).toHaveLength(1);
      expect(body.detail).toContain("tz");
    }
  });

  it("rejects tz given twice with a 422 naming tz", async () => {
    const response = await t.as("stats-tz", { method: "GET", url: "/api/stats?tz=UTC&tz=UTC" });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ errors: [{ field: "tz" }] });
  });
});
