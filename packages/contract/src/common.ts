import { type Static, type TSchema, Type } from "typebox";

/** A string enum as plain JSON Schema `{ type: "string", enum: [...] }` (clean OpenAPI, clear errors). */
export function StringEnum<const Values extends readonly string[]>(
  values: Values,
  options: { title?: string; description?: string; default?: Values[number] } = {},
) {
  return Type.Unsafe<Values[number]>({ type: "string", enum: [...values], ...options });
}

/**
 * `T` or null. A schema with a single `type` becomes `type: [T, "null"]` rather than an anyOf:
 * the same JSON Schema meaning, but Fastify's serializer writes it without running a validator
 * on every value to pick a branch (an anyOf costs that on each task of each response).
 */
export function Nullable<T extends TSchema>(schema: T) {
  const { type, enum: values } = schema as { type?: unknown; enum?: unknown[] };
  if (typeof type === "string") {
    return Type.Unsafe<Static<T> | null>({
      ...schema,
      type: [type, "null"],
      ...(values ? { enum: [...values, null] } : {}),
    });
  }
  return Type.Union([schema, Type.Null()]);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** PostgreSQL text cannot hold NUL, and no user means one: such strings are refused at the edge. */
export const NO_NUL_PATTERN = "^[^\\u0000]*$";

export const DateTimeSchema = Type.String({
  format: "date-time",
  description: "RFC 3339 date-time in UTC with millisecond precision",
  examples: ["2026-11-23T10:00:00.000Z"],
});

export const DATE_OR_DATE_TIME =
  "a date (YYYY-MM-DD, midnight UTC) or an RFC 3339 date-time with an offset";

/** Input dates: an RFC 3339 date-time with an offset, or a plain date meaning midnight UTC. */
export const DateOrDateTimeSchema = Type.Union(
  [Type.String({ format: "date-time" }), Type.String({ format: "date" })],
  { description: DATE_OR_DATE_TIME },
);

export const ERROR_TYPES = [
  "bad_request",
  "unauthorized",
  "forbidden",
  "not_found",
  "conflict",
  "gone",
  "precondition_failed",
  "payload_too_large",
  "validation_error",
  "rate_limited",
  "internal_error",
  "service_unavailable",
] as const;
export const ErrorTypeSchema = StringEnum(ERROR_TYPES, { title: "ErrorType" });
export type ErrorType = (typeof ERROR_TYPES)[number];

export const FieldErrorSchema = Type.Object(
  {
    field: Type.String({
      description: "the body field or query parameter, e.g. title, tags[2], limit",
    }),
    message: Type.String(),
  },
  { title: "FieldError" },
);
export type FieldError = Static<typeof FieldErrorSchema>;

export const ErrorSchema = Type.Object(
  {
    detail: Type.String(),
    status_code: Type.Integer(),
    error_type: ErrorTypeSchema,
    errors: Type.Optional(Type.Array(FieldErrorSchema)),
  },
  { title: "Error", description: "Every error, from every layer, has this shape" },
);
export type ErrorBody = Static<typeof ErrorSchema>;
