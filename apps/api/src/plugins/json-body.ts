import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { HttpError, validationError } from "../errors";

/**
 * Replaces Fastify's JSON parser: an empty body is "no body" (the routes decide
 * whether that is a 422 or, for PATCH .../complete, a toggle), and keys such as
 * `__proto__` stay ordinary keys so validation reports them as unknown fields.
 * JSON.parse defines them as own data properties; it never touches prototypes.
 */
export default fp(
  async function jsonBody(fastify: FastifyInstance) {
    // JSON only: Fastify's built-in text/plain parser would let a string body through to
    // validation (a 422), where the contract wants a 400 for the wrong content type.
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser(
      "application/json",
      { parseAs: "string" },
      (_request, body, done) => {
        const text = body as string;
        if (text.trim() === "") return done(null, undefined);
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          return done(
            new HttpError(400, "bad_request", "request body is not valid JSON"),
            undefined,
          );
        }
        // Valid JSON of the wrong shape, refused here because Fastify validates an absent body
        // as null too, and the two must not be confused (PATCH .../complete toggles without one).
        if (parsed === null) {
          return done(
            validationError([{ field: "body", message: "must be a JSON object" }]),
            undefined,
          );
        }
        done(null, parsed);
      },
    );
  },
  { name: "json-body" },
);
