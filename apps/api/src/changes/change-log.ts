import { type DatabaseOrTransaction, schema } from "@tasklane/db";
import { and, asc, count, eq, type SQL, sql } from "drizzle-orm";

const { changeLog } = schema;

export type ChangeEntity = (typeof changeLog.entity.enumValues)[number];
export type ChangeAction = (typeof changeLog.action.enumValues)[number];

/**
 * The change-log entry of a write, as a data-modifying CTE over the CTE `written` (the rows a
 * write returned): `WITH written AS (<write> RETURNING *), logged AS (<this>) SELECT … FROM
 * written`. PostgreSQL runs it to completion even though nothing selects from it, so the
 * write and its entry commit together in one statement and one round trip; the state is
 * `to_jsonb` of the written row, so a new column is logged without touching this.
 * `at` is an expression over `written`; the request id is the `requestId` placeholder.
 */
export function logWrittenRows(options: {
  entity: ChangeEntity;
  action: ChangeAction;
  at: SQL;
  /** false for a delete: the state after it is nothing. */
  withState: boolean;
}): SQL {
  const state = options.withState ? sql`to_jsonb(written)` : sql`NULL::jsonb`;
  return sql`INSERT INTO change_log (user_id, entity, entity_id, action, state, request_id, at)
    SELECT written.user_id, ${sql.raw(`'${options.entity}'`)}, written.id,
      ${sql.raw(`'${options.action}'`)}, ${state}, ${sql.placeholder("requestId")}, ${options.at}
    FROM written`;
}

export interface LoggedChange {
  cursor: number;
  action: ChangeAction;
  state: Record<string, unknown> | null;
  requestId: string;
  at: Date;
}

/**
 * A page of one entity's entries, oldest first, plus the entry just before the page (its
 * state is the page's first "before"), and how many the entity has in all.
 */
export async function entityChanges(
  db: DatabaseOrTransaction,
  params: { userId: string; entityId: string; limit: number; offset: number },
): Promise<{ previous: LoggedChange | null; page: LoggedChange[]; total: number }> {
  const ofEntity = and(
    eq(changeLog.userId, params.userId),
    eq(changeLog.entityId, params.entityId),
  );
  const start = Math.max(0, params.offset - 1);
  const rows = await db
    .select({
      cursor: changeLog.cursor,
      action: changeLog.action,
      state: changeLog.state,
      requestId: changeLog.requestId,
      at: changeLog.at,
      total: sql<string>`count(*) OVER ()`,
    })
    .from(changeLog)
    .where(ofEntity)
    .orderBy(asc(changeLog.cursor))
    .limit(params.limit + (params.offset > 0 ? 1 : 0))
    .offset(start);
  const entries = rows.map(({ total: _total, ...entry }) => entry);
  const previous = params.offset > 0 ? (entries.shift() ?? null) : null;
  if (rows.length > 0) return { previous, page: entries, total: Number(rows[0]?.total) };
  if (params.offset === 0) return { previous: null, page: [], total: 0 };
  // A page past the end has no row to carry the window count.
  const [counted] = await db.select({ total: count() }).from(changeLog).where(ofEntity);
  return { previous: null, page: [], total: counted?.total ?? 0 };
}
