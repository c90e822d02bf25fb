import { zonedParts } from "../../src/lib/due-dates";
import { TIME_ZONE } from "./browser";

/** The calendar date `days` from today in the browser's time zone, as a date input wants it. */
export function localDate(days: number): string {
  const { year, month, day } = zonedParts(new Date(), TIME_ZONE);
  const date = new Date(Date.UTC(year, month - 1, day + days));
  return date.toISOString().slice(0, 10);
}
