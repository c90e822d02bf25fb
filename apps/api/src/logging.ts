import {
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from "fastify";
import pino from "pino";
import type { Config } from "./config";

/** One access line per request, on completion, with the request in it (Fastify writes two). */
export class AccessLog extends LogController {
  override incomingRequest() {}

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply) {
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, "request errored");
    else reply.log.info(line, "request completed");
  }
}

/**
 * pino's error serializer, minus the bound parameters Drizzle puts in a failed query's error
 * (`params`, and a "params: ..." line in its message and stack): they are users' titles,
 * descriptions and searches.
 */
function errorWithoutQueryParameters(error: Error) {
  const serialized = pino.stdSerializers.err(error);
  const withoutParams = (text: string) => text.replace(/^params: .*$/gm, "params: [Redacted]");
  return {
    ...serialized,
    message: withoutParams(serialized.message),
    stack: withoutParams(serialized.stack),
    ...("params" in serialized ? { params: "[Redacted]" } : {}),
  };
}

/** pino's options: nothing may log a token, a cookie or a query's parameters. */
export function loggerOptions(config: Config): FastifyServerOptions["logger"] {
  return {
    level: config.logLevel,
    // Belt and braces: request logging never includes headers, but nothing may log a token.
    redact: [
      "req.headers.authorization",
      "req.headers.cookie",
      "request.headers.authorization",
      "request.headers.cookie",
      "headers.authorization",
      "headers.cookie",
      'res.headers["set-cookie"]',
      'reply.headers["set-cookie"]',
      'headers["set-cookie"]',
    ],
    serializers: { err: errorWithoutQueryParameters },
  };
}
