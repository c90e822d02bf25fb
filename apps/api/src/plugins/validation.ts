import {
  DATE_OR_DATE_TIME,
  type FieldError,
  isDate,
  isDateTime,
  isUuid,
  NO_NUL_PATTERN,
  READ_ONLY_TASK_FIELDS,
} from "@tasklane/contract";
import { Ajv, type ErrorObject, type Options } from "ajv";
import type { FastifyInstance, FastifySchemaValidationError } from "fastify";
import fp from "fastify-plugin";
import { Type } from "typebox";

const shared: Options = { allErrors: true, verbose: true, strict: true };

function withFormats(ajv: Ajv): Ajv {
  return ajv.addFormat("date", isDate).addFormat("date-time", isDateTime).addFormat("uuid", isUuid);
}

// Bodies are JSON: no coercion ("title": 12345 is an error, not "12345") and nothing removed
// (an unknown field is an error). Query strings and path params are text and need coercion.
const bodyAjv = withFormats(
  new Ajv({ ...shared, coerceTypes: false, removeAdditional: false, useDefaults: false }),
);
const textAjv = withFormats(
  new Ajv({ ...shared, coerceTypes: true, removeAdditional: false, useDefaults: true }),
);

const READ_ONLY = new Set<string>(READ_ONLY_TASK_FIELDS);

function fieldOf(error: ErrorObject, root: string): string {
  const path = error.instancePath
    .split("/")
    .slice(1)
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
  const extra =
    error.keyword === "required"
      ? (error.params as { missingProperty: string }).missingProperty
      : error.keyword === "additionalProperties"
        ? (error.params as { additionalProperty: string }).additionalProperty
        : undefined;
  if (extra !== undefined) path.push(extra);
  if (path.length === 0) return root;
  return path
    .map((segment, i) =>
      /^\d+$/.test(segment) && i > 0 ? `[${segment}]` : `${i > 0 ? "." : ""}${segment}`,
    )
    .join("");
}

const ARTICLES: Record<string, string> = {
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "a boolean",
  object: "a JSON object",
  array: "an array",
  null: "null",
};

const typeOf = (error: ErrorObject) => (error.params as { type: string }).type;
const formatOf = (error: ErrorObject) => (error.params as { format: string }).format;

/** What a value of each registered format is, in the words of an error message. */
const FORMATS: Record<string, string> = {
  date: "a date (YYYY-MM-DD)",
  "date-time": "an RFC 3339 date-time with an offset",
  uuid: "a valid id (a UUID)",
};

/** The formats a field accepts, each said once; an input date is a union of date and date-time. */
function describeFormats(formats: string[]): string {
  const accepted = new Set(formats);
  if (accepted.has("date") && accepted.has("date-time")) return DATE_OR_DATE_TIME;
  return [...accepted].map((format) => FORMATS[format] ?? `a valid ${format}`).join(" or ");
}

function messageOf(error: ErrorObject, siblings: ErrorObject[], root: string): string {
  const schema = (error.parentSchema ?? {}) as Record<string, unknown>;
  // The query parser turns a repeated parameter into an array.
  if (root === "query" && Array.isArray(error.data)) return "must be given only once";
  switch (error.keyword) {
    case "required":
      return "is required";
    case "additionalProperties": {
      const name = (error.params as { additionalProperty: string }).additionalProperty;
      return READ_ONLY.has(name) ? "is read-only" : "is not a known field";
    }
    case "minProperties":
      return "must contain at least one field";
    case "minLength":
    case "maxLength": {
      const { minLength, maxLength } = schema as { minLength?: number; maxLength?: number };
      if (minLength !== undefined && maxLength !== undefined) {
        return `must be ${minLength}-${maxLength} characters`;
      }
      return minLength !== undefined
        ? `must be at least ${minLength} characters`
        : `must be at most ${maxLength} characters`;
    }
    case "minimum":
    case "maximum": {
      const { minimum, maximum } = schema as { minimum?: number; maximum?: number };
      if (minimum !== undefined && maximum !== undefined) {
        return `must be between ${minimum} and ${maximum}`;
      }
      return minimum !== undefined ? `must be at least ${minimum}` : `must be at most ${maximum}`;
    }
    case "maxItems":
      return `must have at most ${(error.params as { limit: number }).limit} items`;
    case "enum":
      return `must be one of: ${(error.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`;
    case "const":
      return `must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}`;
    case "pattern":
      return schema.pattern === NO_NUL_PATTERN
        ? "must not contain NUL characters"
        : `is not valid: expected ${String(schema.description ?? `a match for ${schema.pattern}`)}`;
    default: {
      // type, format, anyOf: describe what the field accepts.
      // An absent body reaches validation as null (see the JSON body parser).
      if (error.data === undefined || (error.instancePath === "" && error.data === null)) {
        return "is required";
      }
      const formats = siblings.filter((e) => e.keyword === "format").map(formatOf);
      if (formats.length > 0) {
        // Null is allowed by a null branch of a union, or by a `type: [T, "null"]`.
        const orNull =
          siblings.some((e) => e.keyword === "type" && typeOf(e) === "null") ||
          (Array.isArray(schema.type) && schema.type.includes("null"));
        return `must be ${describeFormats(formats)}${orNull ? " or null" : ""}`;
      }
      const types = siblings.filter((e) => e.keyword === "type").map(typeOf);
      return types.length > 0
        ? `must be ${[...new Set(types)].map((type) => ARTICLES[type] ?? type).join(" or ")}`
        : (error.message ?? "is not valid");
    }
  }
}

const GENERIC_KEYWORDS = new Set(["type", "anyOf", "format"]);

/** Turns Ajv's errors into one contract field error per field, the most specific first. */
function toFieldErrors(errors: ErrorObject[], root: string): FieldError[] {
  const byField = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    const field = fieldOf(error, root);
    byField.set(field, [...(byField.get(field) ?? []), error]);
  }
  return [...byField].map(([field, fieldErrors]) => {
    const chosen =
      fieldErrors.find((error) => !GENERIC_KEYWORDS.has(error.keyword)) ?? fieldErrors[0];
    return { field, message: chosen ? messageOf(chosen, fieldErrors, root) : "is not valid" };
  });
}

const ROOT_NAMES: Record<string, string> = {
  body: "body",
  querystring: "query",
  params: "path",
  headers: "headers",
};

export function fieldErrorsOf(
  validation: FastifySchemaValidationError[],
  context: string,
): FieldError[] {
  return toFieldErrors(validation as ErrorObject[], ROOT_NAMES[context] ?? context);
}

/** Compiles route schemas with the Ajv instance for their part of the request. */
export default fp(
  async function validation(fastify: FastifyInstance) {
    fastify.setValidatorCompiler(({ schema, httpPart }) => {
      if (httpPart !== "body") return textAjv.compile(schema);
      const validate = bodyAjv.compile(schema);
      if (!Type.IsOptional(schema)) return validate;
      // A body schema marked optional (PATCH .../complete) also accepts no body at all.
      // Fastify reads the errors off the function it was given, so they are copied over.
      const validateOptional = (data: unknown) => {
        // Fastify hands validators `null` for an absent body; a JSON `null` body never gets
        // this far (the JSON parser refuses it), so null here means "no body".
        if (data === undefined || data === null) return true;
        const valid = validate(data);
        validateOptional.errors = validate.errors;
        return valid;
      };
      validateOptional.errors = null as typeof validate.errors;
      return validateOptional;
    });
  },
  { name: "validation" },
);
