// Due dates are instants (UTC) in the API; people think in calendar days of their own time zone.
// Everything here takes the time zone explicitly so it can be tested for any zone.

const DAY_MS = 86_400_000;

export interface LocalDateTime {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    partsFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock date and time of `date` in `timeZone`. */
export function zonedParts(date: Date, timeZone: string): LocalDateTime {
  const values: Record<string, number> = {};
  for (const part of partsFormatter(timeZone).formatToParts(date)) {
    if (part.type !== "literal") values[part.type] = Number(part.value);
  }
  return {
    year: values.year ?? 0,
    month: values.month ?? 1,
    day: values.day ?? 1,
    hour: values.hour ?? 0,
    minute: values.minute ?? 0,
    second: values.second ?? 0,
    millisecond: date.getUTCMilliseconds(),
  };
}

function utcOfWallClock(local: LocalDateTime): number {
  return Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second,
    local.millisecond,
  );
}

/** How far `timeZone`'s wall clock is ahead of UTC at `instant`, in milliseconds. */
function zoneOffset(instant: number, timeZone: string): number {
  return utcOfWallClock(zonedParts(new Date(instant), timeZone)) - instant;
}

/**
 * The instant at which `timeZone`'s wall clock shows `local`. Out-of-range fields roll over
 * (day 32 is the 1st of the next month), which makes "n days later" simple arithmetic.
 */
export function zonedTimeToUtc(local: LocalDateTime, timeZone: string): Date {
  const wallClock = utcOfWallClock(local);
  const firstGuess = wallClock - zoneOffset(wallClock, timeZone);
  // Around a DST change the offset at the guess can differ from the offset at the answer.
  const secondOffset = zoneOffset(firstGuess, timeZone);
  return new Date(wallClock - secondOffset);
}

/** Midnight at the start of the day `days` after the one containing `now`, in `timeZone`. */
export function startOfDay(now: Date, timeZone: string, days = 0): Date {
  const today = zonedParts(now, timeZone);
  return zonedTimeToUtc(
    { ...today, day: today.day + days, hour: 0, minute: 0, second: 0, millisecond: 0 },
    timeZone,
  );
}

function dayNumber(date: Date, timeZone: string): number {
  const { year, month, day } = zonedParts(date, timeZone);
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/**
 * A due date picked without a time means the end of that day: a task due today is not
 * overdue until the day is over.
 */
const END_OF_DAY = { hour: 23, minute: 59, second: 59, millisecond: 999 } as const;

function isEndOfDay(local: LocalDateTime): boolean {
  return local.hour === END_OF_DAY.hour && local.minute === END_OF_DAY.minute;
}

export type DueTone = "overdue" | "soon" | "later" | "done";

export interface DueDescription {
  /** Short and relative: "Due tomorrow", "3 days overdue". */
  label: string;
  tone: DueTone;
  /** The full date and time, for a tooltip or screen readers. */
  full: string;
}

export interface DueContext {
  now: Date;
  timeZone: string;
  /** BCP 47 locale for dates and times; the browser's when absent. */
  locale?: string;
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}

export function describeDue(
  dueDate: string,
  completed: boolean,
  { now, timeZone, locale }: DueContext,
): DueDescription {
  const due = new Date(dueDate);
  const dueLocal = zonedParts(due, timeZone);
  const days = dayNumber(due, timeZone) - dayNumber(now, timeZone);
  const time = new Intl.DateTimeFormat(locale, { timeZone, timeStyle: "short" }).format(due);
  const atTime = isEndOfDay(dueLocal) ? "" : ` at ${time}`;
  const full = new Intl.DateTimeFormat(locale, {
    timeZone,
    dateStyle: "full",
    timeStyle: "short",
  }).format(due);

  if (!completed && due.getTime() < now.getTime()) {
    const label = days === 0 ? `Overdue since ${time}` : `${plural(-days, "day")} overdue`;
    return { label, tone: "overdue", full };
  }

  let label: string;
  if (days === 0) label = `Due today${atTime}`;
  else if (days === 1) label = `Due tomorrow${atTime}`;
  else if (days === -1) label = "Due yesterday";
  else if (days > 1 && days < 7) label = `Due in ${plural(days, "day")}`;
  else if (days < -1 && days > -7) label = `Due ${plural(-days, "day")} ago`;
  else {
    const sameYear = dueLocal.year === zonedParts(now, timeZone).year;
    const date = new Intl.DateTimeFormat(locale, {
      timeZone,
      month: "short",
      day: "numeric",
      ...(sameYear ? {} : { year: "numeric" }),
    }).format(due);
    label = `Due ${date}`;
  }
  const tone: DueTone = completed ? "done" : days <= 1 ? "soon" : "later";
  return { label, tone, full };
}

const pad = (value: number) => String(value).padStart(2, "0");

/** The values for a date input and an optional time input showing `dueDate` in `timeZone`. */
export function dueInputFromIso(
  dueDate: string | null,
  timeZone: string,
): { date: string; time: string } {
  if (dueDate === null) return { date: "", time: "" };
  const local = zonedParts(new Date(dueDate), timeZone);
  return {
    date: `${local.year}-${pad(local.month)}-${pad(local.day)}`,
    time: isEndOfDay(local) ? "" : `${pad(local.hour)}:${pad(local.minute)}`,
  };
}

/** The API value for a date input ("YYYY-MM-DD") and an optional time ("HH:MM"); null when no date. */
export function dueIsoFromInput(date: string, time: string, timeZone: string): string | null {
  const dateMatch = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (dateMatch === null) return null;
  const timeMatch = /^(\d{2}):(\d{2})$/.exec(time);
  const clock = timeMatch
    ? { hour: Number(timeMatch[1]), minute: Number(timeMatch[2]), second: 0, millisecond: 0 }
    : END_OF_DAY;
  return zonedTimeToUtc(
    {
      year: Number(dateMatch[1]),
      month: Number(dateMatch[2]),
      day: Number(dateMatch[3]),
      ...clock,
    },
    timeZone,
  ).toISOString();
}

/** The browser's IANA time zone (UTC if it cannot tell). */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}
