import type { Stats } from "@tasklane/contract";
import { type DatabaseOrTransaction, schema } from "@tasklane/db";
import { eq, sql } from "drizzle-orm";

const { task } = schema;

const countWhere = (condition: ReturnType<typeof sql>) =>
  sql<number>`count(*) FILTER (WHERE ${condition})`.mapWith(Number);

/** One pass over the user's tasks. Day boundaries in `timeZone` come from PostgreSQL (DST-aware). */
export async function selectStats(
  db: DatabaseOrTransaction,
  params: { userId: string; timeZone: string },
): Promise<Stats> {
  const { timeZone } = params;
  const today = sql`date_trunc('day', now() AT TIME ZONE ${timeZone})`;
  const open = sql`${task.status} <> 'completed'`;
  const [row] = await db
    .select({
      total: sql<number>`count(*)`.mapWith(Number),
      completed: countWhere(sql`${task.status} = 'completed'`),
      pending: countWhere(sql`${task.status} = 'pending'`),
      inProgress: countWhere(sql`${task.status} = 'in_progress'`),
      overdue: countWhere(sql`${open} AND ${task.dueDate} < now()`),
      dueToday: countWhere(
        sql`${open} AND ${task.dueDate} >= (${today} AT TIME ZONE ${timeZone})
          AND ${task.dueDate} < ((${today} + interval '1 day') AT TIME ZONE ${timeZone})`,
      ),
      low: countWhere(sql`${task.priority} = 'low'`),
      medium: countWhere(sql`${task.priority} = 'medium'`),
      high: countWhere(sql`${task.priority} = 'high'`),
      work: countWhere(sql`${task.category} = 'work'`),
      personal: countWhere(sql`${task.category} = 'personal'`),
      home: countWhere(sql`${task.category} = 'home'`),
      other: countWhere(sql`${task.category} = 'other'`),
    })
    .from(task)
    .where(eq(task.userId, params.userId));
  if (!row) throw new Error("aggregate query returned no row");
  return {
    total: row.total,
    completed: row.completed,
    pending: row.pending,
    in_progress: row.inProgress,
    overdue: row.overdue,
    due_today: row.dueToday,
    completion_rate:
      row.total === 0 ? 0 : Math.round((row.completed / row.total) * 10_000) / 10_000,
    by_priority: { low: row.low, medium: row.medium, high: row.high },
    by_category: { work: row.work, personal: row.personal, home: row.home, other: row.other },
  };
}
