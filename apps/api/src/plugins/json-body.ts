import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { HttpError } from "../errors";

/**
 * Replaces Fastify's JSON parser: an empty body is "no body" (the routes decide
 * whether that is a 422 or, for PATCH .../complete, a toggle), and keys such as
 * `__proto__` stay ordinary keys so validation reports them as unknown fields.
 * JSON.parse defines them as own data properties; it never touches prototypes.
 */
export default fp(
  async function jsonBody(fastify: FastifyInstance) {
    fastify.removeContentTypeParser("application/json");
    fastify.addContentTypeParser(
      "application/json",
      { parseAs: "string" },
      (_request, body, done) => {
        const text = body as string;
        if (text.trim() === "") return done(null, undefined);
        try {
          done(null, JSON.parse(text));
        } catch {
          done(new HttpError(400, "bad_request", "request body is not valid JSON"), undefined);
        }
      },
    );
  },
  { name: "json-body" },
);
