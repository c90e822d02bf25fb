import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/** Every response names its request (the id genReqId chose: the client's, or a new one). */
export default fp(
  async function requestId(fastify: FastifyInstance) {
    fastify.addHook("onRequest", async (request, reply) => {
      reply.header("x-request-id", request.id);
    });
  },
  { name: "request-id" },
);
