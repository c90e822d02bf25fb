import { TASK_SORT_ALIASES, TASK_SORT_FIELDS } from "@tasklane/contract";
import { createDatabase } from "@tasklane/db";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { buildListQuery, type ListFilters, listShape, listValues } from "./list-query";

// Never connects: the queries are only built, to compare their SQL.
const { db, pool } = createDatabase("postgres://unused.invalid/none");
afterAll(() => pool.end());

const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const filterSet: fc.Arbitrary<ListFilters> = fc.record({
  status: optional(fc.constantFrom("pending", "in_progress", "completed", "active", "all")),
  completed: optional(fc.boolean()),
  priority: optional(fc.constantFrom("low", "high", "low,medium")),
  category: optional(fc.constantFrom("work", "home,other")),
  tag: optional(fc.constantFrom("", "errands", " x ")),
  q: optional(fc.constantFrom("", "milk", "50%_off")),
  dueBefore: optional(fc.date({ noInvalidDate: true })),
  dueAfter: optional(fc.date({ noInvalidDate: true })),
  overdue: optional(fc.constantFrom("true", "false")),
  sort: optional(fc.constantFrom(...TASK_SORT_FIELDS, ...Object.keys(TASK_SORT_ALIASES))),
  order: optional(fc.constantFrom("asc", "desc")),
  limit: optional(fc.integer({ min: 1, max: 100 })),
  offset: optional(fc.integer({ min: 0, max: 1000 })),
}) as fc.Arbitrary<ListFilters>;

const sqlOf = (filters: ListFilters) => buildListQuery(db, listShape(filters)).toSQL().sql;

describe("the list query's statement cache key", () => {
  it("never names two filter sets whose SQL differs (the cached statement would be wrong)", () => {
    fc.assert(
      fc.property(filterSet, filterSet, (a, b) => {
        if (listShape(a).key === listShape(b).key) expect(sqlOf(a)).toBe(sqlOf(b));
      }),
      { numRuns: 2000 },
    );
  });

  it("gives a different key to every different SQL among many filter sets", () => {
    const sqlByKey = new Map<string, string>();
    fc.assert(
      fc.property(filterSet, (filters) => {
        const { key } = listShape(filters);
        const sql = sqlOf(filters);
        expect(sqlByKey.get(key) ?? sql).toBe(sql);
        sqlByKey.set(key, sql);
      }),
      { numRuns: 3000 },
    );
    // The property above would pass vacuously with one shape; the table yields many.
    expect(sqlByKey.size).toBeGreaterThan(100);
  });

  it("has a value for every placeholder the SQL uses", () => {
    fc.assert(
      fc.property(filterSet, (filters) => {
        const shape = listShape(filters);
        const values = listValues("user", filters);
        const placeholders = buildListQuery(db, shape)
          .toSQL()
          .params.map((param) => (param as { name?: string }).name)
          .filter((name): name is string => name !== undefined);
        for (const name of placeholders) expect(values[name], name).not.toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});
