import { type Server, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import cors from "@fastify/cors";
import helmet from "@fastify/helmet";
import {
  type FastifyHttpOptions,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import securityHeaders, { type HelmetOptions } from "helmet";
import pino from "pino";
import authPlugin from "./auth/plugin";
import type { Config } from "./config";
import { HttpError } from "./errors";
import healthRoutes from "./health/routes";
import jobsPlugin from "./jobs/plugin";
import databasePlugin from "./plugins/database";
import errorHandlerPlugin from "./plugins/error-handler";
import jsonBodyPlugin from "./plugins/json-body";
import metricsPlugin from "./plugins/metrics";
import openapiPlugin from "./plugins/openapi";
import validationPlugin from "./plugins/validation";
import statsRoutes from "./stats/routes";
import tasksRoutes from "./tasks/routes";

export interface AppOptions {
  config: Config;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** One access line per request, on completion, with the request in it (Fastify writes two). */
class AccessLog extends LogController {
  override incomingRequest() {}

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply) {
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, "request errored");
    else reply.log.info(line, "request completed");
  }
}

/** Security headers for every response; /docs replaces the CSP with its own (plugins/openapi). */
const SECURITY_HEADERS = {
  // JSON only: nothing may be loaded, run or framed from a response.
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  // CORP governs only no-cors loads (<img>, <script>), never the web app's CORS fetches, so the
  // strictest value costs the web app nothing, on the same site or another, and keeps other
  // pages from pulling responses into their process.
  crossOriginResourcePolicy: { policy: "same-origin" },
  frameguard: { action: "deny" },
  referrerPolicy: { policy: "no-referrer" },
  // Browsers ignore HSTS over plain http (local use); behind TLS it keeps them on https.
  hsts: { maxAge: 31_536_000, includeSubDomains: true },
} satisfies HelmetOptions;
/** The same headers for answers given before any hook runs (an undecodable URL). */
const applySecurityHeaders = securityHeaders(SECURITY_HEADERS);

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
    logger: {
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
    },
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

/** The task API as a Fastify plugin: external plugins, then the app's own, then routes. */
export default async function app(fastify: FastifyInstance, { config }: AppOptions) {
  // External
  // Before CORS, whose preflight answers end the request in onRequest: they get the headers too.
  await fastify.register(helmet, SECURITY_HEADERS);
  await fastify.register(cors, {
    origin: config.corsOrigins,
    methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    allowedHeaders: [
      "Authorization",
      "Content-Type",
      "X-Request-Id",
      "If-Match",
      "Idempotency-Key",
    ],
    exposedHeaders: ["X-Total-Count", "Location", "X-Request-Id", "ETag"],
    maxAge: 600,
    // A plain OPTIONS (no preflight headers) is a harmless question: 204, not a text/plain 400.
    strictPreflight: false,
  });
  await fastify.register(openapiPlugin);

  // App
  fastify.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  // Once closing (SIGTERM/SIGINT), answers to requests still in flight close their connection:
  // Node closes only the keep-alive connections idle when close() starts, and one that goes idle
  // later would hold close() open until close-with-grace gives up (exit 1).
  let closing = false;
  fastify.addHook("preClose", async () => {
    closing = true;
  });
  fastify.addHook("onSend", async (_request, reply) => {
    if (closing) reply.header("connection", "close");
  });
  await fastify.register(validationPlugin);
  await fastify.register(jsonBodyPlugin);
  await fastify.register(errorHandlerPlugin);
  await fastify.register(databasePlugin, {
    databaseUrl: config.databaseUrl,
    poolMax: config.poolMax,
    connectTimeoutMs: config.connectTimeoutMs,
    queryTimeoutMs: config.queryTimeoutMs,
    statementTimeoutMs: config.statementTimeoutMs,
    preparedStatements: config.preparedStatements,
  });
  await fastify.register(authPlugin, {
    auth: config.auth,
    rateLimitPerMinute: config.rateLimitPerMinute,
  });
  await fastify.register(metricsPlugin);
  await fastify.register(jobsPlugin, { config });

  // Routes
  await fastify.register(healthRoutes);
  for (const [prefix, userScoped] of [
    ["/api", false],
    ["/api/:user_id", true],
  ] as const) {
    await fastify.register(
      async (api) => {
        api.addHook("onRequest", api.authenticate);
        await api.register(tasksRoutes, { userScoped });
        await api.register(statsRoutes, { userScoped });
      },
      { prefix },
    );
  }
}
