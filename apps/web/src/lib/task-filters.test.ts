import { describe, expect, it } from "vitest";
import {
  DEFAULT_FILTERS,
  filtersFromSearchParams,
  filtersToSearchParams,
  isFiltered,
  pageCount,
  type TaskFilters,
  toListQuery,
  updateFilters,
} from "./task-filters";

const parse = (query: string) => filtersFromSearchParams(new URLSearchParams(query));

describe("filters in the URL", () => {
  it("reads every filter", () => {
    expect(
      parse(
        "status=active&priority=high,low&category=work&tag=errand&q=milk&due=overdue&sort=title&order=desc&page=3",
      ),
    ).toEqual({
      status: "active",
      priorities: ["low", "high"],
      categories: ["work"],
      tag: "errand",
      q: "milk",
      due: "overdue",
      sort: "title",
      order: "desc",
      page: 3,
    });
  });

  it("falls back to defaults for unknown or malformed values", () => {
    expect(
      parse("status=done&priority=urgent&category=&due=soon&sort=random&order=up&page=-2"),
    ).toEqual(DEFAULT_FILTERS);
    expect(parse("page=1.5").page).toBe(1);
    expect(parse("page=abc").page).toBe(1);
  });

  it("uses the sort field's natural order when none is given", () => {
    expect(parse("sort=due_date").order).toBe("asc");
    expect(parse("sort=priority").order).toBe("desc");
  });

  it("leaves defaults out of the URL", () => {
    expect(filtersToSearchParams(DEFAULT_FILTERS).toString()).toBe("");
    expect(
      filtersToSearchParams({ ...DEFAULT_FILTERS, sort: "title", order: "asc" }).toString(),
    ).toBe("sort=title");
  });

  it("round-trips", () => {
    const filters: TaskFilters = {
      status: "in_progress",
      priorities: ["medium", "high"],
      categories: ["home", "other"],
      tag: "a b&c",
      q: "50% off",
      due: "week",
      sort: "updated_at",
      order: "asc",
      page: 2,
    };
    expect(filtersFromSearchParams(filtersToSearchParams(filters))).toEqual(filters);
  });
});

describe("updateFilters", () => {
  const onPage3 = { ...DEFAULT_FILTERS, page: 3 };

  it("goes back to page 1 when what is shown changes", () => {
    expect(updateFilters(onPage3, { status: "completed" }).page).toBe(1);
    expect(updateFilters(onPage3, { page: 4 }).page).toBe(4);
  });

  it("resets the order when the sort field changes", () => {
    const byTitleDesc = { ...DEFAULT_FILTERS, sort: "title" as const, order: "desc" as const };
    expect(updateFilters(byTitleDesc, { sort: "due_date" }).order).toBe("asc");
    expect(updateFilters(byTitleDesc, { order: "asc" }).order).toBe("asc");
  });
});

describe("toListQuery", () => {
  const context = { now: new Date("2026-03-10T09:00:00.000Z"), timeZone: "Europe/Paris" };

  it("asks for the page's slice, sorted", () => {
    expect(toListQuery({ ...DEFAULT_FILTERS, page: 3 }, context)).toEqual({
      sort: "created_at",
      order: "desc",
      limit: 20,
      offset: 40,
    });
  });

  it("passes every filter in the contract's form", () => {
    expect(
      toListQuery(
        {
          ...DEFAULT_FILTERS,
          status: "active",
          priorities: ["low", "high"],
          categories: ["work"],
          tag: "errand",
          q: "  milk ",
          due: "overdue",
        },
        context,
      ),
    ).toMatchObject({
      status: "active",
      priority: "low,high",
      category: "work",
      tag: "errand",
      q: "milk",
      overdue: "true",
    });
  });

  it("turns today and the next 7 days into local-midnight bounds", () => {
    expect(toListQuery({ ...DEFAULT_FILTERS, due: "today" }, context)).toMatchObject({
      due_after: "2026-03-09T22:59:59.999Z",
      due_before: "2026-03-10T23:00:00.000Z",
    });
    expect(toListQuery({ ...DEFAULT_FILTERS, due: "week" }, context)).toMatchObject({
      due_before: "2026-03-16T23:00:00.000Z",
    });
  });
});

describe("isFiltered and pageCount", () => {
  it("tells filters from sorting", () => {
    expect(isFiltered({ ...DEFAULT_FILTERS, sort: "title", page: 2 })).toBe(false);
    expect(isFiltered({ ...DEFAULT_FILTERS, tag: "x" })).toBe(true);
    expect(isFiltered({ ...DEFAULT_FILTERS, q: "  " })).toBe(false);
  });

  it("counts pages from X-Total-Count", () => {
    expect(pageCount(0)).toBe(1);
    expect(pageCount(20)).toBe(1);
    expect(pageCount(21)).toBe(2);
  });
});
