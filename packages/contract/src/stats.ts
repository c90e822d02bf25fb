import { type Static, Type } from "typebox";

const Count = Type.Integer({ minimum: 0 });

export const StatsSchema = Type.Object(
  {
    total: Count,
    completed: Count,
    pending: Count,
    in_progress: Count,
    overdue: Count,
    due_today: Count,
    completion_rate: Type.Number({
      minimum: 0,
      maximum: 1,
      description: "completed / total, rounded to 4 decimals; 0 without tasks",
    }),
    by_priority: Type.Object({ low: Count, medium: Count, high: Count }),
    by_category: Type.Object({ work: Count, personal: Count, home: Count, other: Count }),
  },
  { title: "Stats" },
);
export type Stats = Static<typeof StatsSchema>;

export const StatsQuerySchema = Type.Object({
  tz: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: "^[A-Za-z][A-Za-z0-9_+\\-/]*$",
      description: "IANA time zone for due_today (default UTC)",
      examples: ["Europe/Paris"],
    }),
  ),
});
export type StatsQuery = Static<typeof StatsQuerySchema>;
