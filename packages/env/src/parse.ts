import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { Static, TObject } from "typebox";

/** A bad setting, worded to be printed at start-up: it names the variable, never a secret. */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(detail: string) {
    super(`invalid configuration: ${detail}`);
  }
}

// Settings are text: numbers and booleans are coerced, and defaults filled in, by the schema.
const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, strict: true });
const validators = new WeakMap<TObject, ValidateFunction>();

/** An environment as read, before checking: absent, empty and blank all mean "not set". */
export type Environment = Record<string, string | undefined>;

function wordingOf(error: ErrorObject, schema: TObject): [name: string, message: string] {
  const name =
    error.keyword === "required"
      ? (error.params as { missingProperty: string }).missingProperty
      : error.instancePath.slice(1);
  // The setting's description says what is expected; the value itself is never echoed.
  const description = (schema.properties[name] as { description?: string } | undefined)
    ?.description;
  const hint = description ? ` (${description})` : "";
  switch (error.keyword) {
    case "required":
      return [name, `is required${hint}`];
    case "pattern":
      return [name, description ? `must be ${description}` : `${error.message}`];
    case "enum":
      return [
        name,
        `must be one of: ${(error.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`,
      ];
    default:
      return [name, `${error.message}${hint}`];
  }
}

/**
 * Checks the settings a schema names (one package's, or an app's that extends them), fills in
 * its defaults and converts numbers and booleans. Throws one ConfigError naming every bad one.
 */
export function parseEnvironment<T extends TObject>(
  schema: T,
  environment: Environment,
): Static<T> {
  let validate = validators.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(schema);
    validators.set(schema, validate);
  }
  const data: Record<string, string> = {};
  for (const name of Object.keys(schema.properties)) {
    const value = environment[name]?.trim();
    if (value !== undefined && value !== "") data[name] = value;
  }
  if (!validate(data)) {
    const messages = new Map<string, string>();
    for (const error of validate.errors ?? []) {
      const [name, message] = wordingOf(error, schema);
      if (!messages.has(name)) messages.set(name, `${name} ${message}`);
    }
    // In the schema's order, which is the documented one.
    const order = Object.keys(schema.properties);
    const sorted = [...messages].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
    throw new ConfigError(sorted.map(([, message]) => message).join(", "));
  }
  return data as Static<T>;
}
