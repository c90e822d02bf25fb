import type { Stats } from "@tasklane/contract";
import { classifyDatabaseError } from "@tasklane/db";
import type { ServiceContext } from "../context";
import { InvalidInputError } from "../domain-errors";
import { selectStats } from "./queries";

function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const unknownTimeZone = () =>
  new InvalidInputError([{ field: "tz", message: "is not a known IANA time zone" }]);

/** The user's statistics, with day boundaries in `timeZone` (default UTC). */
export async function getStats(ctx: ServiceContext, timeZone = "UTC"): Promise<Stats> {
  if (!isKnownTimeZone(timeZone)) throw unknownTimeZone();
  try {
    return await selectStats(ctx.db, { userId: ctx.userId, timeZone });
  } catch (error) {
    // Intl and PostgreSQL's zone lists differ slightly; PostgreSQL has the last word.
    if (classifyDatabaseError(error)?.kind === "invalid_parameter") throw unknownTimeZone();
    throw error;
  }
}
