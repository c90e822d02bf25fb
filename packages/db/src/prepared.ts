import { PgTransaction } from "drizzle-orm/pg-core";
import type { Database, DatabaseOrTransaction } from "./client";

/** Most distinct statements kept per database; past it the oldest is forgotten. */
const MAX_STATEMENTS = 1000;
const statements = new WeakMap<Database, Map<string, unknown>>();
const named = new WeakMap<Database, { next: number }>();

/** Set by createDatabase: preparedQuery names its statements on this database. */
export function useNamedStatements(db: Database, enabled: boolean): void {
  if (enabled) named.set(db, { next: 0 });
  else named.delete(db);
}

interface Preparable<Prepared> {
  prepare(name: string): Prepared;
}

/**
 * A query built once per database and `key`, then reused: Drizzle's query building costs about
 * as much as the rest of a request, and most requests repeat a handful of shapes. Values go in
 * through `sql.placeholder`s at `execute`. With named statements (the default) PostgreSQL
 * parses and plans it once per connection and each execution sends only its values; without,
 * the whole text goes each time, and no server-side state is needed (old PgBouncers).
 */
export function preparedQuery<Prepared>(
  db: DatabaseOrTransaction,
  key: string,
  build: () => Preparable<Prepared>,
): Prepared {
  // A transaction lives for one unit of work: its statements are built for it, unnamed.
  if (db instanceof PgTransaction) return build().prepare("");
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let prepared = cache.get(key) as Prepared | undefined;
  if (!prepared) {
    const counter = named.get(db);
    // An empty name makes node-postgres send an unnamed statement (no server-side PREPARE).
    prepared = build().prepare(counter ? `tasklane_${counter.next++}` : "");
    if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value as string);
    cache.set(key, prepared);
  }
  return prepared;
}
