import type { ErrorType } from "@tasklane/contract";
import { isDatabaseUnavailable } from "@tasklane/db";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { isDomainError } from "../domain-errors";
import { databaseUnavailable, HttpError, httpErrorOf, validationError } from "../errors";
import { fieldErrorsOf } from "./validation";

declare module "fastify" {
  interface FastifyReply {
    /** The contract's error_type this reply carries, when it is an error; read by metrics. */
    errorType: ErrorType | null;
  }
}

const CLIENT_ERROR_TYPES: Record<number, ErrorType> = {
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  413: "payload_too_large",
  422: "validation_error",
  429: "rate_limited",
};

/** Maps Fastify's own errors (body parser, limits, validation) onto the contract's. */
function fromFrameworkError(error: FastifyError): HttpError | null {
  if (error.validation) {
    return validationError(fieldErrorsOf(error.validation, error.validationContext ?? "body"));
  }
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new HttpError(413, "payload_too_large", "request body is too large");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_ERR_CTP_INVALID_TYPE":
    case "FST_ERR_CTP_EMPTY_TYPE":
      return new HttpError(
        400,
        "bad_request",
        "request body must be JSON (Content-Type: application/json)",
      );
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return new HttpError(400, "bad_request", "Content-Length does not match the body");
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new HttpError(400, "bad_request", "request body is not valid JSON");
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    // Any other client error Fastify raises (e.g. an aborted upload): keep its status, not its wording.
    const errorType = CLIENT_ERROR_TYPES[error.statusCode] ?? "bad_request";
    return new HttpError(error.statusCode, errorType, errorType.replaceAll("_", " "));
  }
  return null;
}

export function sendError(reply: FastifyReply, error: HttpError) {
  reply.errorType = error.errorType;
  return reply.code(error.statusCode).headers(error.headers).send(error.toBody());
}

/** The one error handler: every failure leaves as the contract's error body; 5xx never leak. */
export default fp(
  async function errorHandler(fastify: FastifyInstance) {
    fastify.decorateReply("errorType", null);
    fastify.setErrorHandler(
      async (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
        const known =
          error instanceof HttpError
            ? error
            : isDomainError(error)
              ? httpErrorOf(error)
              : fromFrameworkError(error);
        if (known) {
          if (known.statusCode >= 500) request.log.warn({ err: error }, known.message);
          return sendError(reply, known);
        }
        if (isDatabaseUnavailable(error)) {
          request.log.error({ err: error }, "database unavailable");
          return sendError(reply, databaseUnavailable());
        }
        request.log.error({ err: error }, "unhandled error");
        return sendError(reply, new HttpError(500, "internal_error", "internal server error"));
      },
    );

    fastify.setNotFoundHandler(async (request, reply) =>
      sendError(
        reply,
        new HttpError(
          404,
          "not_found",
          `no route for ${request.method} ${request.url.split("?")[0]}`,
        ),
      ),
    );
  },
  { name: "error-handler" },
);
