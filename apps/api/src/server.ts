import cluster from "node:cluster";
import closeWithGrace from "close-with-grace";
import Fastify from "fastify";
import app from "./app";
import { runPrimary } from "./cluster";
import { ConfigError, loadConfig } from "./config";
import { serverOptions } from "./server-options";

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`tasklane-api: ${error.message}`);
  process.exit(1);
}

if (cluster.isPrimary && config.workers > 1) {
  runPrimary(config.workers, (message) => console.error(`tasklane-api: ${message}`));
} else {
  await serve();
}

async function serve() {
  const server = Fastify(serverOptions(config));
  await server.register(app, { config });

  // SIGINT/SIGTERM: stop accepting, let in-flight requests finish, close the pool; give up after 10 s.
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) server.log.error({ err }, "shutting down after an error");
    else server.log.info({ signal }, "shutting down");
    await server.close();
  });

  await server.listen({ host: config.host, port: config.port });
}
