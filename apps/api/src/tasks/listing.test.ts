import type { Task } from "@tasklane/contract";
import type { LightMyRequestResponse } from "fastify";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../test/app";

let t: TestApp;
let pool: pg.Pool;
beforeAll(async () => {
  t = await createTestApp();
  pool = new pg.Pool({ connectionString: t.databaseUrl, max: 2 });
});
afterAll(async () => {
  await pool.end();
  await t.close();
});

type ErrorBody = {
  detail: string;
  status_code: number;
  error_type: string;
  errors?: { field: string; message: string }[];
};

async function create(user: string, body: Record<string, unknown>): Promise<Task> {
  const response = await t.as(user, { method: "POST", url: "/api/tasks", payload: body });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Task>();
}

/** Creates tasks one after another, so their ids (UUIDv7) follow the order given. */
async function createAll(user: string, bodies: Record<string, unknown>[]): Promise<Task[]> {
  const tasks: Task[] = [];
  for (const body of bodies) tasks.push(await create(user, body));
  return tasks;
}

/** Sets timestamps directly, so sort orders do not depend on how fast requests run. */
async function setTimestamps(id: string, createdAt: string, updatedAt: string) {
  await pool.query("UPDATE task SET created_at = $2, updated_at = $3 WHERE id = $1", [
    id,
    createdAt,
    updatedAt,
  ]);
}

interface Page {
  response: LightMyRequestResponse;
  tasks: Task[];
  titles: string[];
  ids: string[];
  total: number;
}

/** GET the list with a raw query string (already URL-encoded). */
async function list(user: string, query = "", base = "/api/tasks"): Promise<Page> {
  const response = await t.as(user, { method: "GET", url: query ? `${base}?${query}` : base });
  expect(response.statusCode, `GET ?${query}: ${response.body}`).toBe(200);
  const header = response.headers["x-total-count"];
  expect(header, "X-Total-Count is always sent").toMatch(/^\d+$/);
  const tasks = response.json<Task[]>();
  return {
    response,
    tasks,
    titles: tasks.map((task) => task.title),
    ids: tasks.map((task) => task.id),
    total: Number(header),
  };
}

/** The titles a filter matches (in any order), with X-Total-Count equal to their number. */
async function expectMatches(user: string, query: string, titles: string[]) {
  const page = await list(user, query);
  expect([...page.titles].sort(), `?${query}`).toEqual([...titles].sort());
  expect(page.total, `X-Total-Count for ?${query}`).toBe(titles.length);
}

/** A 422 in the contract's shape whose errors[] names exactly `field`. */
async function expectInvalidQuery(user: string, query: string, field: string) {
  const response = await t.as(user, { method: "GET", url: `/api/tasks?${query}` });
  expect(response.statusCode, `?${query}: ${response.body}`).toBe(422);
  const body = response.json<ErrorBody>();
  expect(Object.keys(body).sort()).toEqual(["detail", "error_type", "errors", "status_code"]);
  expect(body).toMatchObject({ status_code: 422, error_type: "validation_error" });
  expect(body.detail).toContain(field);
  expect(body.errors?.map((error) => error.field)).toEqual([field]);
  for (const error of body.errors ?? []) {
    expect(Object.keys(error).sort()).toEqual(["field", "message"]);
    expect(error.message).toEqual(expect.any(String));
  }
}

const enc = encodeURIComponent;

describe("status and completed filters", () => {
  const user = "listing-status";
  beforeAll(async () => {
    await createAll(user, [
      { title: "pending one" },
      { title: "pending two", status: "pending" },
      { title: "in progress", status: "in_progress" },
      { title: "done one", status: "completed" },
      { title: "done two", completed: true },
    ]);
  });
  const all = ["pending one", "pending two", "in progress", "done one", "done two"];
  const open = ["pending one", "pending two", "in progress"];
  const done = ["done one", "done two"];

  it.each([
    ["", all],
    ["status=all", all],
    ["status=pending", ["pending one", "pending two"]],
    ["status=in_progress", ["in progress"]],
    ["status=completed", done],
    ["status=active", open],
    ["completed=true", done],
    ["completed=false", open],
  ])("?%s lists the matching tasks", async (query, titles) => {
    await expectMatches(user, query, titles);
  });

  it.each([
    ["status=active&completed=false", open],
    ["status=active&completed=true", []],
    ["status=pending&completed=false", ["pending one", "pending two"]],
    ["status=completed&completed=false", []],
    ["status=completed&completed=true", done],
    ["status=all&completed=true", done],
    ["status=in_progress&completed=false", ["in progress"]],
  ])("combines ?%s", async (query, titles) => {
    await expectMatches(user, query, titles);
  });
});

describe("priority and category filters", () => {
  const user = "listing-priority-category";
  beforeAll(async () => {
    await createAll(user, [
      { title: "low work", priority: "low", category: "work" },
      { title: "medium personal", priority: "medium", category: "personal" },
      { title: "high home", priority: "high", category: "home" },
      { title: "high work", priority: "high", category: "work" },
      { title: "low other", priority: "low", category: "other" },
      { title: "medium work", priority: "medium", category: "work" },
    ]);
  });

  it.each([
    ["priority=low", ["low work", "low other"]],
    ["priority=medium", ["medium personal", "medium work"]],
    ["priority=high", ["high home", "high work"]],
    ["priority=low,high", ["low work", "low other", "high home", "high work"]],
    [`priority=${enc("low,high")}`, ["low work", "low other", "high home", "high work"]],
    ["priority=high,high", ["high home", "high work"]],
    [
      "priority=low,medium,high",
      ["low work", "medium personal", "high home", "high work", "low other", "medium work"],
    ],
    ["category=work", ["low work", "high work", "medium work"]],
    ["category=personal", ["medium personal"]],
    ["category=home", ["high home"]],
    ["category=other", ["low other"]],
    ["category=work,home", ["low work", "high work", "medium work", "high home"]],
    ["category=personal,other", ["medium personal", "low other"]],
  ])("?%s lists the matching tasks", async (query, titles) => {
    await expectMatches(user, query, titles);
  });

  it.each([
    ["priority=high&category=work", ["high work"]],
    ["priority=low,medium&category=work,other", ["low work", "low other", "medium work"]],
    ["priority=high&category=personal", []],
    ["priority=medium&category=personal,home&status=active", ["medium personal"]],
  ])("combines ?%s", async (query, titles) => {
    await expectMatches(user, query, titles);
  });
});

describe("tag filter", () => {
  const user = "listing-tag";
  beforeAll(async () => {
    await createAll(user, [
      { title: "lower", tags: ["work"] },
      { title: "upper", tags: ["Work"] },
      { title: "longer", tags: ["work-stuff"] },
      { title: "two tags", tags: ["home", "work"] },
      { title: "spaced", tags: ["my tag"] },
      { title: "untagged" },
    ]);
  });

  it.each([
    ["tag=work", ["lower", "two tags"]],
    ["tag=Work", ["upper"]],
    ["tag=WORK", []],
    ["tag=home", ["two tags"]],
    ["tag=work-stuff", ["longer"]],
    ["tag=wor", []],
    ["tag=stuff", []],
    [`tag=${enc("my tag")}`, ["spaced"]],
  ])("?%s matches tags exactly and case-sensitively", async (query, titles) => {
    await expectMatches(user, query, titles);
  });

  it.each([`tag=${enc(" work ")}`, `tag=${enc("work\t")}`, "tag=+work+"])(
    "trims the tag: ?%s matches work",
    async (query) => {
      await expectMatches(user, query, ["lower", "two tags"]);
    },
  );

  it("combines with other filters", async () => {
    await expectMatches(user, "tag=work&q=two", ["two tags"]);
  });
});

describe("q search", () => {
  const user = "listing-q";
  beforeAll(async () => {
    await createAll(user, [
      { title: "Buy MILK" },
      { title: "Call mom", description: "ask about the Milk recipe" },
      { title: "100% done" },
      { title: "100 done", description: "one hundred" },
      { title: "under_score" },
      { title: "underXscore" },
      { title: "back\\slash" },
      { title: "backslash" },
      { title: "nothing", description: "50% off, a_b and c\\d" },
    ]);
  });

  it.each([
    ["milk", ["Buy MILK", "Call mom"]],
    ["MILK", ["Buy MILK", "Call mom"]],
    ["mIlK", ["Buy MILK", "Call mom"]],
    ["ask about", ["Call mom"]],
    ["HUNDRED", ["100 done"]],
    ["buy milk", ["Buy MILK"]],
    ["no such text", []],
  ])("q=%s searches title and description case-insensitively", async (q, titles) => {
    await expectMatches(user, `q=${enc(q)}`, titles);
  });

  it.each([
    ["%", ["100% done", "nothing"]],
    ["100%", ["100% done"]],
    ["% done", ["100% done"]],
    ["_", ["under_score", "nothing"]],
    ["under_score", ["under_score"]],
    ["a_b", ["nothing"]],
    ["\\", ["back\\slash", "nothing"]],
    ["k\\s", ["back\\slash"]],
    ["c\\d", ["nothing"]],
  ])("q=%s: %, _ and \\ match only themselves", async (q, titles) => {
    await expectMatches(user, `q=${enc(q)}`, titles);
  });

  it("accepts 200 characters and rejects 201", async () => {
    await expectMatches(user, `q=${"m".repeat(200)}`, []);
    await expectInvalidQuery(user, `q=${"m".repeat(201)}`, "q");
  });
});

describe("due_before and due_after", () => {
  const user = "listing-due";
  beforeAll(async () => {
    await createAll(user, [
      { title: "A", due_date: "2026-11-30T23:59:59.999Z" },
      { title: "B", due_date: "2026-12-01T00:00:00.000Z" },
      { title: "C", due_date: "2026-12-01T12:00:00.000Z" },
      { title: "D", due_date: "2026-12-02T00:00:00.000Z" },
      { title: "none" },
    ]);
  });

  it.each([
    ["due_before=2026-12-01", ["A"]],
    ["due_after=2026-12-01", ["C", "D"]],
    ["due_after=2026-11-30", ["A", "B", "C", "D"]],
    ["due_before=2026-12-03", ["A", "B", "C", "D"]],
    ["due_after=2026-12-01&due_before=2026-12-02", ["C"]],
    ["due_after=2026-12-02", []],
    ["due_before=2026-11-30", []],
  ])("?%s compares with a plain date (midnight UTC), exclusively", async (query, titles) => {
    await expectMatches(user, query, titles);
  });

  it.each([
    ["due_before=2026-12-01T12:00:00Z", ["A", "B"]],
    ["due_before=2026-12-01T12:00:00.001Z", ["A", "B", "C"]],
    [`due_before=${enc("2026-12-01T14:00:00+02:00")}`, ["A", "B"]],
    [`due_after=${enc("2026-12-01T13:00:00+01:00")}`, ["D"]],
    [`due_after=${enc("2026-11-30T19:00:00-05:00")}`, ["C", "D"]],
    ["due_after=2026-11-30T23:59:59.999Z&due_before=2026-12-02T00:00:00Z", ["B", "C"]],
  ])("?%s compares with a date-time and its offset, exclusively", async (query, titles) => {
    await expectMatches(user, query, titles);
  });

  it("never matches tasks without a due date", async () => {
    await expectMatches(user, "due_after=0001-01-01", ["A", "B", "C", "D"]);
    await expectMatches(user, "due_before=9999-12-31", ["A", "B", "C", "D"]);
  });

  it.each([
    ["due_before", "2026-02-30"],
    ["due_before", "2026-12-01T10:00:00"],
    ["due_after", "2026-12-01T10:00"],
    ["due_after", "tomorrow"],
    ["due_after", "2026-13-01"],
  ])("rejects %s=%s with a 422 naming it", async (param, value) => {
    await expectInvalidQuery(user, `${param}=${enc(value)}`, param);
  });
});

describe("overdue filter", () => {
  const user = "listing-overdue";
  beforeAll(async () => {
    await createAll(user, [
      { title: "late pending", due_date: "2000-01-01", priority: "high" },
      { title: "late in progress", due_date: "2020-06-01T12:00:00Z", status: "in_progress" },
      { title: "late but done", due_date: "2000-01-01", completed: true },
      { title: "future", due_date: "2999-01-01" },
      { title: "no due date" },
    ]);
  });

  it("overdue=true lists tasks not completed and due before now", async () => {
    await expectMatches(user, "overdue=true", ["late pending", "late in progress"]);
  });

  it("combines with other filters", async () => {
    await expectMatches(user, "overdue=true&priority=high", ["late pending"]);
    await expectMatches(user, "overdue=true&status=in_progress", ["late in progress"]);
    await expectMatches(user, "overdue=true&completed=true", []);
  });

  it.each(["false", "1", "TRUE", "yes", ""])("rejects overdue=%s with a 422", async (value) => {
    await expectInvalidQuery(user, `overdue=${value}`, "overdue");
  });
});

describe("all filters combined", () => {
  const user = "listing-combined";
  const match = {
    title: "Quarterly report",
    priority: "high",
    category: "work",
    tags: ["finance"],
    status: "in_progress",
    due_date: "2026-12-10",
  };
  beforeAll(async () => {
    await createAll(user, [
      match,
      { ...match, title: "Quarterly report, done", status: "completed" },
      { ...match, title: "Quarterly report, low", priority: "low" },
      { ...match, title: "Quarterly report, home", category: "home" },
      { ...match, title: "Quarterly report, untagged", tags: [] },
      { ...match, title: "Quarterly report, late", due_date: "2027-01-10" },
      { ...match, title: "Quarterly report, early", due_date: "2026-11-10" },
      { ...match, title: "Annual summary" },
    ]);
  });

  it("applies every filter at once", async () => {
    const query =
      "status=active&completed=false&priority=high,medium&category=work,personal&tag=finance" +
      "&q=REPORT&due_after=2026-12-01&due_before=2026-12-31";
    await expectMatches(user, query, ["Quarterly report"]);
  });

  it("counts all matches in X-Total-Count, whatever the page", async () => {
    const page = await list(user, "q=report&limit=2&offset=1");
    expect(page.tasks).toHaveLength(2);
    expect(page.total).toBe(7);
  });
});

describe("sorting", () => {
  const user = "listing-sort";
  // Distinct keys for every sort except priority (ranks repeat) and due_date (two nulls).
  const rows = [
    ["Banana", "2026-01-03", "2026-02-01", "2026-12-03T00:00:00Z", "low"],
    ["apple", "2026-01-01", "2026-02-05", null, "high"],
    ["Cherry", "2026-01-05", "2026-02-03", "2026-12-01T00:00:00Z", "medium"],
    ["Elder", "2026-01-02", "2026-02-02", null, "high"],
    ["date", "2026-01-04", "2026-02-04", "2026-12-02T00:00:00Z", "low"],
  ] as const;
  beforeAll(async () => {
    for (const [title, created, updated, due, priority] of rows) {
      const task = await create(user, { title, due_date: due, priority });
      await setTimestamps(task.id, `${created}T00:00:00Z`, `${updated}T00:00:00Z`);
    }
  });
  const byCreated = ["Cherry", "date", "Banana", "Elder", "apple"];
  const byUpdated = ["apple", "date", "Cherry", "Elder", "Banana"];
  const byTitle = ["apple", "Banana", "Cherry", "date", "Elder"];
  const reversed = (titles: string[]) => [...titles].reverse();

  it.each([
    ["", byCreated],
    ["sort=created_at", byCreated],
    ["sort=created_at&order=desc", byCreated],
    ["sort=created_at&order=asc", reversed(byCreated)],
    ["order=asc", reversed(byCreated)],
    ["sort=created", byCreated],
    ["sort=created&order=asc", reversed(byCreated)],
    ["sort=updated_at", byUpdated],
    ["sort=updated_at&order=desc", byUpdated],
    ["sort=updated_at&order=asc", reversed(byUpdated)],
    ["sort=updated", byUpdated],
    ["sort=updated&order=asc", reversed(byUpdated)],
    ["sort=title", byTitle],
    ["sort=title&order=asc", byTitle],
    ["sort=title&order=desc", reversed(byTitle)],
  ])("?%s orders the tasks", async (query, titles) => {
    const page = await list(user, query);
    expect(page.titles).toEqual(titles);
    expect(page.total).toBe(5);
  });

  it("sorts titles case-insensitively, not by code unit", async () => {
    const page = await list(user, "sort=title");
    // Byte order would put every capitalised title first.
    expect(page.titles).not.toEqual(["Banana", "Cherry", "Elder", "apple", "date"]);
    expect(page.titles).toEqual(byTitle);
  });

  it.each([
    ["sort=due_date", ["Cherry", "date", "Banana"]],
    ["sort=due_date&order=asc", ["Cherry", "date", "Banana"]],
    ["sort=due_date&order=desc", ["Banana", "date", "Cherry"]],
  ])(
    "?%s orders by due date (soonest first by default), tasks without one last",
    async (query, dated) => {
      const page = await list(user, query);
      expect(page.titles.slice(0, 3)).toEqual(dated);
      expect([...page.titles.slice(3)].sort()).toEqual(["Elder", "apple"]);
      expect(page.tasks.slice(3).map((task) => task.due_date)).toEqual([null, null]);
    },
  );

  it.each([
    ["sort=priority", ["high", "high", "medium", "low", "low"]],
    ["sort=priority&order=desc", ["high", "high", "medium", "low", "low"]],
    ["sort=priority&order=asc", ["low", "low", "medium", "high", "high"]],
  ])("?%s orders by rank (low < medium < high), highest first by default", async (query, ranks) => {
    const page = await list(user, query);
    expect(page.tasks.map((task) => task.priority)).toEqual(ranks);
  });
});

describe("ties are broken by id, so paging is stable", () => {
  const user = "listing-ties";
  const COUNT = 23;
  let ids: string[];
  beforeAll(async () => {
    const tasks = await createAll(
      user,
      Array.from({ length: COUNT }, (_, i) => ({
        // Equal sort keys everywhere: titles differ only in case.
        title: i % 2 === 0 ? "same" : "SAME",
        priority: "medium",
      })),
    );
    ids = tasks.map((task) => task.id);
    // One instant for every row: created_at and updated_at tie too. Rows are rewritten in a
    // scrambled order, so their physical order is not the id order.
    const scrambled = [
      ...ids.filter((_, i) => i % 2 === 1).reverse(),
      ...ids.filter((_, i) => i % 2 === 0),
    ];
    for (const id of scrambled) {
      await setTimestamps(id, "2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z");
    }
  });

  const sorts = ["created_at", "updated_at", "title", "due_date", "priority"];
  const orders = ["", "&order=asc", "&order=desc"];
  const cases = sorts.flatMap((sort) => orders.map((order) => `sort=${sort}${order}`));

  it.each(cases)(
    "?%s: pages of 5 cover every task once, in the single-page order",
    async (query) => {
      const whole = await list(user, `${query}&limit=100`);
      expect(whole.ids).toHaveLength(COUNT);
      expect([...whole.ids].sort()).toEqual([...ids].sort());
      // Equal keys: the order is the id order, one way or the other.
      const ascending = [...whole.ids].sort();
      expect([ascending, [...ascending].reverse()]).toContainEqual(whole.ids);

      const paged: string[] = [];
      for (let offset = 0; offset < COUNT + 5; offset += 5) {
        const page = await list(user, `${query}&limit=5&offset=${offset}`);
        expect(page.total).toBe(COUNT);
        expect(page.ids.length).toBe(Math.max(0, Math.min(5, COUNT - offset)));
        paged.push(...page.ids);
      }
      expect(new Set(paged).size).toBe(paged.length);
      expect(paged).toEqual(whole.ids);
    },
  );

  it("gives the same order on every request", async () => {
    const first = await list(user, "sort=title&limit=100");
    const second = await list(user, "sort=title&limit=100");
    expect(second.ids).toEqual(first.ids);
  });
});

describe("limit, offset and X-Total-Count", () => {
  const user = "listing-paging";
  const COUNT = 55;
  let all: string[];
  beforeAll(async () => {
    await createAll(
      user,
      Array.from({ length: COUNT }, (_, i) => ({
        title: `task ${String(i).padStart(2, "0")}`,
        priority: i % 5 === 0 ? "high" : "low",
      })),
    );
    all = (await list(user, "limit=100")).ids;
  });

  it("returns 50 tasks by default, with X-Total-Count of all of them", async () => {
    const page = await list(user);
    expect(page.tasks).toHaveLength(50);
    expect(page.total).toBe(COUNT);
    expect(page.ids).toEqual(all.slice(0, 50));
  });

  it.each([
    ["limit=1", 0, 1],
    ["limit=100", 0, 100],
    ["limit=10&offset=10", 10, 20],
    ["limit=10&offset=50", 50, 60],
    ["offset=5", 5, 55],
    ["offset=0", 0, 50],
  ])("?%s returns the right slice", async (query, from, to) => {
    const page = await list(user, query);
    expect(page.ids).toEqual(all.slice(from, to));
    expect(page.total).toBe(COUNT);
  });

  it.each(["offset=55", "offset=1000", "limit=1&offset=2147483647"])(
    "?%s (past the end) returns [] and still the full X-Total-Count",
    async (query) => {
      const page = await list(user, query);
      expect(page.tasks).toEqual([]);
      expect(page.total).toBe(COUNT);
    },
  );

  it("counts filtered matches, ignoring limit and offset", async () => {
    const page = await list(user, "priority=high&limit=2&offset=1");
    expect(page.tasks).toHaveLength(2);
    expect(page.total).toBe(11);
    const past = await list(user, "priority=high&offset=20");
    expect(past.tasks).toEqual([]);
    expect(past.total).toBe(11);
  });

  it("sends X-Total-Count 0 when nothing matches", async () => {
    const page = await list(user, "q=nothing-matches-this");
    expect(page.tasks).toEqual([]);
    expect(page.total).toBe(0);
  });

  it.each([
    ["limit", "0"],
    ["limit", "101"],
    ["limit", "-1"],
    ["limit", "1.5"],
    ["limit", "ten"],
    ["limit", ""],
    ["offset", "-1"],
    ["offset", "2.5"],
    ["offset", "first"],
  ])("rejects %s=%s with a 422 naming it", async (param, value) => {
    await expectInvalidQuery(user, `${param}=${value}`, param);
  });
});

describe("query parameter validation", () => {
  const user = "listing-params";

  it.each([
    ["status", "done"],
    ["status", "Pending"],
    ["status", "ALL"],
    ["status", "active,pending"],
    ["completed", "yes"],
    ["completed", "1"],
    ["completed", "TRUE"],
    ["priority", "High"],
    ["priority", "urgent"],
    ["priority", "low,,high"],
    ["priority", "low,urgent"],
    ["priority", ",low"],
    ["category", "Work"],
    ["category", "garden"],
    ["category", "work,"],
    ["tag", "t".repeat(51)],
    ["tag", ""],
    ["q", "\u0000"],
    ["sort", "name"],
    ["sort", "Title"],
    ["sort", "priority_rank"],
    ["sort", "-created_at"],
    ["order", "ascending"],
    ["order", "ASC"],
    ["overdue", "false"],
  ])("rejects %s=%j with a 422 naming the parameter", async (param, value) => {
    await expectInvalidQuery(user, `${param}=${enc(value)}`, param);
  });

  it.each([
    ["status", "status=pending&status=pending"],
    ["completed", "completed=true&completed=false"],
    ["priority", "priority=low&priority=high"],
    ["category", "category=work&category=work"],
    ["tag", "tag=a&tag=b"],
    ["q", "q=a&q=a"],
    ["due_before", "due_before=2026-12-01&due_before=2026-12-02"],
    ["due_after", "due_after=2026-12-01&due_after=2026-12-01"],
    ["overdue", "overdue=true&overdue=true"],
    ["sort", "sort=title&sort=title"],
    ["order", "order=asc&order=desc"],
    ["limit", "limit=5&limit=5"],
    ["offset", "offset=0&offset=5"],
  ])("rejects %s given twice with a 422 naming it", async (param, query) => {
    await expectInvalidQuery(user, query, param);
  });

  it("ignores unknown parameter names, even repeated", async () => {
    await create(user, { title: "visible", priority: "high" });
    const page = await list(user, "foo=bar&page=2&sortBy=title&foo=baz&Status=completed");
    expect(page.titles).toEqual(["visible"]);
    const filtered = await list(user, "priority=high&unknown=1");
    expect(filtered.titles).toEqual(["visible"]);
  });
});

describe("/api/{user_id}/tasks lists like /api/tasks", () => {
  const user = "listing-family";
  beforeAll(async () => {
    await createAll(user, [
      { title: "one", priority: "high", tags: ["x"] },
      { title: "two", priority: "low", status: "completed" },
      { title: "three", priority: "high", due_date: "2000-01-01" },
    ]);
  });

  it.each([
    "",
    "priority=high",
    "status=active&sort=title&order=desc",
    "tag=x",
    "overdue=true",
    "limit=1&offset=1",
  ])("?%s gives the same body and X-Total-Count on both routes", async (query) => {
    const plain = await list(user, query);
    const scoped = await list(user, query, `/api/${user}/tasks`);
    expect(scoped.tasks).toEqual(plain.tasks);
    expect(scoped.total).toBe(plain.total);
  });

  it("rejects invalid parameters on the user-scoped route too", async () => {
    const response = await t.as(user, { method: "GET", url: `/api/${user}/tasks?limit=0` });
    expect(response.statusCode).toBe(422);
    expect(response.json<ErrorBody>().errors?.map((error) => error.field)).toEqual(["limit"]);
  });
});
