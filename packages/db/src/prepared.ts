import type { Database } from "./client";

/** Most distinct statements kept per database; past it the oldest is forgotten. */
const MAX_STATEMENTS = 1000;
const statements = new WeakMap<Database, Map<string, unknown>>();

interface Preparable<Prepared> {
  prepare(name: string): Prepared;
}

/**
 * A query built once per database and `key`, then reused: Drizzle's query building costs about
 * as much as the rest of a request, and most requests repeat a handful of shapes. Values go in
 * through `sql.placeholder`s at `execute`. The statement is sent unnamed, so it needs no
 * server-side state and works through PgBouncer in transaction mode.
 */
export function preparedQuery<Prepared>(
  db: Database,
  key: string,
  build: () => Preparable<Prepared>,
): Prepared {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let prepared = cache.get(key) as Prepared | undefined;
  if (!prepared) {
    // An empty name makes node-postgres send an unnamed statement (no server-side PREPARE).
    prepared = build().prepare("");
    if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value as string);
    cache.set(key, prepared);
  }
  return prepared;
}
