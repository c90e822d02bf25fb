import { type Static, Type } from "typebox";
import { ERROR_TYPES, StringEnum } from "./common";

export const HealthSchema = Type.Object({
  status: Type.Literal("ok"),
  database: Type.Literal("ok"),
});
export type Health = Static<typeof HealthSchema>;

export const HealthUnavailableSchema = Type.Object({
  status: Type.Literal("unavailable"),
  database: Type.Literal("unavailable"),
  detail: Type.String(),
  status_code: Type.Literal(503),
  error_type: StringEnum(ERROR_TYPES),
});
export type HealthUnavailable = Static<typeof HealthUnavailableSchema>;
