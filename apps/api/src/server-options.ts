import { type Server, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyHttpOptions, FastifyReply } from "fastify";
import securityHeaders from "helmet";
import type { Config } from "./config";
import { HttpError } from "./errors";
import { AccessLog, loggerOptions } from "./logging";
import { SECURITY_HEADERS } from "./plugins/security";

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The same headers as every response, for answers given before any hook runs (an undecodable URL). */
const applySecurityHeaders = securityHeaders(SECURITY_HEADERS);

/**
 * Answers what Node's HTTP parser refuses before Fastify sees a request (a client too slow to
 * send its request, oversized headers, malformed HTTP) in the contract's error shape, then
 * closes the connection.
 */
function clientErrorHandler(error: Error & { code?: string }, socket: Socket) {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const clientError =
    error.code === "ERR_HTTP_REQUEST_TIMEOUT"
      ? new HttpError(408, "bad_request", "request took too long to arrive")
      : error.code === "HPE_HEADER_OVERFLOW"
        ? new HttpError(431, "bad_request", "request headers are too large")
        : new HttpError(400, "bad_request", "malformed HTTP request");
  if (socket.writable) {
    const body = JSON.stringify(clientError.toBody());
    socket.write(
      `HTTP/1.1 ${clientError.statusCode} ${STATUS_CODES[clientError.statusCode]}\r\n` +
        "Content-Type: application/json; charset=utf-8\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        "Connection: close\r\n\r\n" +
        body,
    );
  }
  socket.destroy();
}

/** Fastify's constructor options: shared by server.ts and the tests, so both run the same server. */
export function serverOptions(config: Config): FastifyHttpOptions<Server> {
  return {
    logger: loggerOptions(config),
    logController: new AccessLog(),
    bodyLimit: config.bodyLimitBytes,
    // A client's X-Request-Id is reused when it is a sane token; otherwise one is made.
    genReqId: (request) => {
      const given = request.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    },
    trustProxy: config.trustProxy,
    // Slow clients (slowloris) cannot hold connections: headers, then the whole request, must
    // arrive within their deadlines; Node checks the deadlines every second.
    requestTimeout: config.requestTimeoutMs,
    http: { headersTimeout: config.headersTimeoutMs, connectionsCheckingInterval: 1000 },
    // A connection with no traffic for a minute mid-request (a client not reading its response).
    connectionTimeout: 60_000,
    // Longer than load balancers' usual 60 s idle timeout, so the LB closes idle connections first.
    keepAliveTimeout: 72_000,
    clientErrorHandler,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // Fastify answers a URL it cannot decode before any hook runs; keep the contract's shape.
    frameworkErrors: (_error, request, reply) => {
      applySecurityHeaders(request.raw, reply.raw, () => {});
      const notFound = new HttpError(404, "not_found", "no route for this URL");
      (reply as FastifyReply).code(notFound.statusCode).send(notFound.toBody());
    },
  };
}
