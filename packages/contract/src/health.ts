import { type Static, Type } from "typebox";
import { ErrorTypeSchema } from "./common";

export const HealthSchema = Type.Object(
  { status: Type.Literal("ok"), database: Type.Literal("ok") },
  { title: "Health" },
);
export type Health = Static<typeof HealthSchema>;

export const HealthUnavailableSchema = Type.Object(
  {
    status: Type.Literal("unavailable"),
    database: Type.Literal("unavailable"),
    detail: Type.String(),
    status_code: Type.Literal(503),
    error_type: ErrorTypeSchema,
  },
  { title: "HealthUnavailable" },
);
export type HealthUnavailable = Static<typeof HealthUnavailableSchema>;
