import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { OpenAPIV3_1 } from "openapi-types";
import { Type } from "typebox";

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

/** The OpenAPI 3.1 document, generated from the route schemas, at /openapi.json; a UI at /docs. */
export default fp(
  async function openapi(fastify: FastifyInstance) {
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
        return openapiObject;
      },
    });
    await fastify.register(swaggerUi, { routePrefix: "/docs", staticCSP: DOCS_CSP });
    fastify.get("/openapi.json", { schema: { hide: true } }, async () => fastify.swagger());
  },
  { name: "openapi" },
);
