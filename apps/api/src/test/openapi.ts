type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * An OpenAPI document with every `#/components/schemas/...` reference replaced by the schema it
 * names (siblings of the `$ref`, such as a description, kept), as if no shape were named.
 */
export function inlineSchemaRefs<T>(document: T): T {
  const schemas = ((document as { components?: { schemas?: Json } }).components?.schemas ??
    {}) as Json;
  const inline = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(inline);
    if (!isObject(value)) return value;
    if (typeof value.$ref === "string" && value.$ref.startsWith("#/components/schemas/")) {
      const { $ref, ...siblings } = value;
      const target = schemas[$ref.slice("#/components/schemas/".length)];
      if (target === undefined) throw new Error(`${$ref} names no schema`);
      return { ...(inline(target) as Json), ...siblings };
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, inline(item)]));
  };
  return inline(document) as T;
}
