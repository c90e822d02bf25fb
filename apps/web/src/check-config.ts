import { ConfigError, parseWebConfig } from "./lib/web-config";

// A bad setting stops the server at start with a message naming the variable, rather than
// failing on the first request.
try {
  parseWebConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Tasklane web: ${error.message}`);
  process.exit(1);
}
