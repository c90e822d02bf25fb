import { sql } from "drizzle-orm";
import { schedule } from "./registry";

declare module "./registry" {
  interface JobPayloads {
    "jobs.prune": Record<string, never>;
  }
}

/** Finished jobs (and their attempts) are kept this long, then deleted. */
export const JOB_RETENTION_DAYS = 7;
const BATCH = 1000;

// Hourly; in batches, so that no statement outlives the pool's statement timeout.
schedule("jobs.prune", 3_600_000, async (_payload, { db, signal }) => {
  let deleted: number;
  do {
    const result = await db.execute(sql`
      DELETE FROM job WHERE id IN (
        SELECT id FROM job
        WHERE finished_at < now() - ${JOB_RETENTION_DAYS} * interval '1 day'
        LIMIT ${BATCH})`);
    deleted = result.rowCount ?? 0;
  } while (deleted === BATCH && !signal.aborted);
});
