import type { ListTasksQuery, TaskSortField } from "@tasklane/contract";
import { LIST_LIMIT_DEFAULT, TASK_SORT_ALIASES } from "@tasklane/contract";
import { type DatabaseOrTransaction, preparedQuery, schema } from "@tasklane/db";
import { and, asc, count, desc, eq, gt, lt, ne, or, type SQL, sql } from "drizzle-orm";
import { TASK_COLUMNS } from "./task-queries";

const { task } = schema;
/** Statements are built once per shape and reused (preparedQuery): values are placeholders. */
const param = sql.placeholder;

export type ListFilters = ListTasksQuery & { dueBefore?: Date; dueAfter?: Date };

/** `%`, `_` and `\` in a search match only themselves. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** Letters, digits and spaces only. */
const WORDS_ONLY = /^[\p{L}\p{N}\s]+$/u;

/** What `q` searches, exactly as task_search_text_idx indexes it. */
const SEARCHED_TEXT = sql`(${task.title} || ' ' || COALESCE(${task.description}, ''))`;

/**
 * One row per filter: whether (and in which variant) it applies, which decides the SQL and so
 * the statement-cache key; the condition for that variant; and the placeholder values. The
 * key, the SQL and the values all come from this one table, so they cannot drift apart.
 */
interface Filter {
  /** The variant of the condition this filter set needs; null when the filter is off. */
  variant(filters: ListFilters): string | null;
  condition(variant: string): SQL[];
  values(filters: ListFilters): Record<string, unknown>;
}

const FILTERS: Record<string, Filter> = {
  status: {
    variant: ({ status }) =>
      status === "active" ? "active" : status && status !== "all" ? "one" : null,
    condition: (variant) =>
      variant === "active" ? [ne(task.status, "completed")] : [eq(task.status, param("status"))],
    values: ({ status }) => ({ status }),
  },
  completed: {
    variant: ({ completed }) => (completed === undefined ? null : String(completed)),
    condition: (variant) => [
      variant === "true" ? eq(task.status, "completed") : ne(task.status, "completed"),
    ],
    values: () => ({}),
  },
  priority: {
    variant: ({ priority }) => (priority ? "any" : null),
    condition: () => [sql`${task.priority} = ANY(${param("priorities")})`],
    values: ({ priority }) => ({ priorities: priority?.split(",") }),
  },
  category: {
    variant: ({ category }) => (category ? "any" : null),
    condition: () => [sql`${task.category} = ANY(${param("categories")})`],
    values: ({ category }) => ({ categories: category?.split(",") }),
  },
  tag: {
    variant: ({ tag }) => (tag === undefined ? null : "has"),
    condition: () => [sql`${task.tags} @> ARRAY[${param("tag")}]`],
    values: ({ tag }) => ({ tag: tag?.trim() }),
  },
  q: {
    // Text of words alone is also searched by word stems ("grocery" finds "groceries", "passport
    // summer" both words anywhere); with any other character it is taken literally.
    variant: ({ q }) => (!q ? null : WORDS_ONLY.test(q) ? "words" : "text"),
    condition: (variant) => {
      // The index's expression, so task_search_text_idx serves it; the exact test follows (a match
      // across the title's end and the description's start is not one).
      const substring = and(
        sql`${SEARCHED_TEXT} ILIKE ${param("pattern")} ESCAPE '\\'`,
        or(
          sql`${task.title} ILIKE ${param("pattern")} ESCAPE '\\'`,
          sql`${task.description} ILIKE ${param("pattern")} ESCAPE '\\'`,
        ),
      ) as SQL;
      if (variant === "text") return [substring];
      return [
        or(
          substring,
          sql`${task.searchWords} @@ websearch_to_tsquery('english', ${param("words")})`,
        ) as SQL,
      ];
    },
    values: ({ q }) => ({
      pattern: q ? likePattern(q) : undefined,
      words: q && WORDS_ONLY.test(q) ? q : undefined,
    }),
  },
  dueBefore: {
    variant: ({ dueBefore }) => (dueBefore ? "lt" : null),
    condition: () => [lt(task.dueDate, param("dueBefore"))],
    values: ({ dueBefore }) => ({ dueBefore }),
  },
  dueAfter: {
    variant: ({ dueAfter }) => (dueAfter ? "gt" : null),
    condition: () => [gt(task.dueDate, param("dueAfter"))],
    values: ({ dueAfter }) => ({ dueAfter }),
  },
  overdue: {
    variant: ({ overdue }) => (overdue === "true" ? "yes" : null),
    condition: () => [ne(task.status, "completed"), lt(task.dueDate, sql`now()`)],
    values: () => ({}),
  },
};

const FILTER_NAMES = Object.keys(FILTERS);

const ASCENDING_BY_DEFAULT = new Set<TaskSortField>(["title", "due_date"]);

function sortOf(filters: ListFilters): { sort: TaskSortField; direction: "asc" | "desc" } {
  const requested = filters.sort ?? "created_at";
  const sort: TaskSortField =
    requested in TASK_SORT_ALIASES
      ? TASK_SORT_ALIASES[requested as keyof typeof TASK_SORT_ALIASES]
      : (requested as TaskSortField);
  return { sort, direction: filters.order ?? (ASCENDING_BY_DEFAULT.has(sort) ? "asc" : "desc") };
}

function orderBy(sort: TaskSortField, direction: "asc" | "desc"): SQL[] {
  const by = direction === "asc" ? asc : desc;
  const tieBreak = by(task.id);
  switch (sort) {
    case "title":
      return [by(sql`lower(${task.title})`), tieBreak];
    case "due_date":
      // Tasks without a due date come last in either direction.
      return [sql`${task.dueDate} ${sql.raw(direction)} NULLS LAST`, tieBreak];
    case "priority":
      return [by(task.priority), tieBreak];
    case "updated_at":
      return [by(task.updatedAt), tieBreak];
    default:
      return [by(task.createdAt), tieBreak];
  }
}

/** What decides a list query's SQL, derived from FILTERS and the sort alone. */
export interface ListShape {
  /** The statement-cache key: the shape written out. */
  key: string;
  variants: (readonly [string, string])[];
  sort: TaskSortField;
  direction: "asc" | "desc";
}

export function listShape(filters: ListFilters): ListShape {
  const variants = FILTER_NAMES.flatMap((name) => {
    const variant = FILTERS[name]?.variant(filters) ?? null;
    return variant === null ? [] : [[name, variant] as const];
  });
  const { sort, direction } = sortOf(filters);
  const key = [...variants.map(([name, variant]) => `${name}=${variant}`), sort, direction].join(
    "|",
  );
  return { key, variants, sort, direction };
}

function whereOf(shape: ListShape): SQL | undefined {
  return and(
    eq(task.userId, param("userId")),
    ...shape.variants.flatMap(([name, variant]) => FILTERS[name]?.condition(variant) ?? []),
  );
}

/** The values of a list query's placeholders. */
export function listValues(userId: string, filters: ListFilters): Record<string, unknown> {
  const values: Record<string, unknown> = {
    userId,
    limit: filters.limit ?? LIST_LIMIT_DEFAULT,
    offset: filters.offset ?? 0,
  };
  for (const filter of Object.values(FILTERS)) Object.assign(values, filter.values(filters));
  return values;
}

/** The page query, with the total as a window count, built for `shape` (not cached). */
export function buildListQuery(db: DatabaseOrTransaction, shape: ListShape) {
  return db
    .select({ ...TASK_COLUMNS, total: sql<string>`count(*) OVER ()` })
    .from(task)
    .where(whereOf(shape))
    .orderBy(...orderBy(shape.sort, shape.direction))
    .limit(param("limit"))
    .offset(param("offset"));
}

/** The page query of a filter set, prepared once per shape; exposed for EXPLAIN tests. */
export function listTasksQuery(db: DatabaseOrTransaction, filters: ListFilters) {
  const shape = listShape(filters);
  return preparedQuery(db, `list:${shape.key}`, () => buildListQuery(db, shape));
}

/** How many tasks match, for a page past the end (which has no row to carry the count). */
export function countTasksQuery(db: DatabaseOrTransaction, filters: ListFilters) {
  const shape = listShape(filters);
  return preparedQuery(db, `count:${shape.key}`, () =>
    db.select({ total: count() }).from(task).where(whereOf(shape)),
  );
}
