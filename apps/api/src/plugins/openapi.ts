import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { NAMED_SCHEMAS } from "@tasklane/contract";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { OpenAPIV3_1 } from "openapi-types";
import { type TSchema, Type } from "typebox";

/**
 * The docs page's policy, replacing the API's `default-src 'none'` on the UI's routes only:
 * Swagger UI loads its scripts and styles from /docs/static, fetches the document from
 * /docs/json and shows a data: logo. No upgrade-insecure-requests (swagger-ui's default), which
 * would break the page over plain http.
 */
const DOCS_CSP = {
  "default-src": "'none'",
  "base-uri": "'none'",
  "connect-src": "'self'",
  "font-src": "'self' data:",
  "form-action": "'none'",
  "frame-ancestors": "'none'",
  "img-src": "'self' data:",
  "object-src": "'none'",
  "script-src": "'self'",
  "script-src-attr": "'none'",
  "style-src": "'self'",
};

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * JSON with object keys sorted, so two shapes compare alike whatever their key order; `const: x`
 * reads as `enum: [x]`, the form @fastify/swagger writes it in.
 */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (!isObject(item)) return item;
    const { const: constant, ...rest } = item;
    const normal = "const" in item && !("enum" in item) ? { ...rest, enum: [constant] } : item;
    return Object.fromEntries(Object.entries(normal).sort(([a], [b]) => (a < b ? -1 : 1)));
  });
}

/** Keywords a use of a named shape may set for itself (route files spread it with their own). */
const PER_USE_KEYWORDS = ["description", "examples"];
/** Keywords whose values are data, not schemas. */
const DATA_KEYWORDS = new Set(["enum", "const", "default", "examples", "required"]);

function withoutPerUse(schema: JsonObject): JsonObject {
  return Object.fromEntries(
    Object.entries(schema).filter(([key]) => !PER_USE_KEYWORDS.includes(key)),
  );
}

/** The twin the contract's Nullable() makes of a single-type schema: `type: [T, "null"]`. */
function nullableTwin(schema: JsonObject): JsonObject | null {
  if (typeof schema.type !== "string") return null;
  const values = Array.isArray(schema.enum) ? { enum: [...schema.enum, null] } : {};
  return { ...schema, type: [schema.type, "null"], ...values };
}

/**
 * The contract's named shapes as `components.schemas`, and every copy of one in the document
 * (route files spread them, e.g. `{ ...TaskSchema, description }`) replaced by a `$ref`. A copy
 * is known by its `title` and must equal the shape but for its own description and examples;
 * anything else stays inline.
 */
class NamedShapes {
  readonly #byTitle: Map<string, JsonObject>;

  constructor(schemas: readonly TSchema[]) {
    this.#byTitle = new Map(
      schemas.map((schema) => {
        const json = JSON.parse(JSON.stringify(schema)) as JsonObject;
        if (typeof json.title !== "string") throw new Error("a named shape needs a title");
        return [json.title, json];
      }),
    );
  }

  /** The schema with each use of a named shape in it (and itself, unless `keepRoot`) referred to. */
  refer(value: unknown, keepRoot = false): unknown {
    if (Array.isArray(value)) return value.map((item) => this.refer(item));
    if (!isObject(value)) return value;
    const named = typeof value.title === "string" ? this.#byTitle.get(value.title) : undefined;
    if (named && !keepRoot) {
      const ref = { $ref: `#/components/schemas/${value.title}` };
      const own = Object.fromEntries(
        PER_USE_KEYWORDS.filter(
          (key) => key in value && canonical(value[key]) !== canonical(named[key]),
        ).map((key) => [key, value[key]]),
      );
      const shape = canonical(withoutPerUse(value));
      if (shape === canonical(withoutPerUse(named))) return { ...ref, ...own };
      const twin = nullableTwin(named);
      if (twin && shape === canonical(withoutPerUse(twin))) {
        return { anyOf: [ref, { type: "null" }], ...own };
      }
    }
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        DATA_KEYWORDS.has(key)
          ? item
          : key === "properties"
            ? this.#referEach(item)
            : this.refer(item),
      ]),
    );
  }

  /** A `properties` map: its keys are field names (a field may be called `enum`), not keywords. */
  #referEach(properties: unknown): unknown {
    if (!isObject(properties)) return properties;
    return Object.fromEntries(
      Object.entries(properties).map(([name, schema]) => [name, this.refer(schema)]),
    );
  }

  /** `components.schemas`: each named shape, referring to the others it contains. */
  components(): Record<string, unknown> {
    return Object.fromEntries(
      [...this.#byTitle].map(([title, schema]) => [title, this.refer(schema, true)]),
    );
  }
}

/** Names the document's shapes; a referred response or body loses its copy of its description. */
function nameShapes(document: OpenAPIV3_1.Document, shapes: NamedShapes): OpenAPIV3_1.Document {
  const paths = shapes.refer(document.paths) as OpenAPIV3_1.PathsObject;
  for (const path of Object.values(paths)) {
    for (const operation of Object.values(path ?? {})) {
      const { requestBody, responses = {} } = operation as OpenAPIV3_1.OperationObject;
      for (const holder of [requestBody, ...Object.values(responses)] as unknown[]) {
        if (!isObject(holder) || !isObject(holder.content)) continue;
        for (const media of Object.values(holder.content)) {
          const schema = (media as { schema?: JsonObject }).schema;
          if (schema?.$ref && schema.description === holder.description) delete schema.description;
        }
      }
    }
  }
  return {
    ...document,
    paths,
    components: {
      ...document.components,
      schemas: {
        ...document.components?.schemas,
        ...(shapes.components() as Record<string, OpenAPIV3_1.SchemaObject>),
      },
    },
  };
}

/** The OpenAPI 3.1 document, generated from the route schemas, at /openapi.json; a UI at /docs. */
export default fp(
  async function openapi(fastify: FastifyInstance) {
    const shapes = new NamedShapes(NAMED_SCHEMAS);
    // Routes whose body is optional (PATCH .../complete toggles without one).
    const optionalBodyOperations = new Set<string>();
    fastify.addHook("onRoute", (route) => {
      const schema = route.schema as { body?: unknown; operationId?: string } | undefined;
      if (schema?.operationId && schema.body && Type.IsOptional(schema.body)) {
        optionalBodyOperations.add(schema.operationId);
      }
    });

    await fastify.register(swagger, {
      openapi: {
        openapi: "3.1.0",
        info: {
          title: "Tasklane task API",
          version: "1.0.0",
          description:
            "Multi-user task API. Every /api route needs `Authorization: Bearer <JWT>` from Better Auth (or HS256 with JWT_SECRET).",
        },
        components: {
          securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
        },
        security: [{ bearerAuth: [] }],
      },
      transformObject: (documentObject) => {
        const { openapiObject } = documentObject as { openapiObject: OpenAPIV3_1.Document };
        for (const path of Object.values(openapiObject.paths ?? {})) {
          for (const operation of Object.values(path ?? {})) {
            const op = operation as { operationId?: string; requestBody?: { required?: boolean } };
            if (op.operationId && optionalBodyOperations.has(op.operationId) && op.requestBody) {
              op.requestBody.required = false;
            }
          }
        }
        return nameShapes(openapiObject, shapes);
      },
    });
    await fastify.register(swaggerUi, { routePrefix: "/docs", staticCSP: DOCS_CSP });
    fastify.get("/openapi.json", { schema: { hide: true } }, async () => fastify.swagger());
  },
  { name: "openapi" },
);
