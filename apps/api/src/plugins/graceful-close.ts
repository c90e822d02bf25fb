import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/**
 * Once closing (SIGTERM/SIGINT), answers to requests still in flight close their connection:
 * Node closes only the keep-alive connections idle when close() starts, and one that goes idle
 * later would hold close() open until close-with-grace gives up (exit 1).
 */
export default fp(
  async function gracefulClose(fastify: FastifyInstance) {
    let closing = false;
    fastify.addHook("preClose", async () => {
      closing = true;
    });
    fastify.addHook("onSend", async (_request, reply) => {
      if (closing) reply.header("connection", "close");
    });
  },
  { name: "graceful-close" },
);
