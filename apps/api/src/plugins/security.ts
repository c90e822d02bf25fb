import cors from "@fastify/cors";
import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { HelmetOptions } from "helmet";

/** Security headers for every response; /docs replaces the CSP with its own (plugins/openapi). */
export const SECURITY_HEADERS = {
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

/** Security headers on every response, and CORS for the web app's origins. */
export default fp<{ corsOrigins: string[] }>(
  async function security(fastify: FastifyInstance, { corsOrigins }) {
    // Before CORS, whose preflight answers end the request in onRequest: they get the headers too.
    await fastify.register(helmet, SECURITY_HEADERS);
    await fastify.register(cors, {
      origin: corsOrigins,
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
  },
  { name: "security" },
);
