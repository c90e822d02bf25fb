import "server-only";
import { parseWebConfig, type WebConfig } from "../web-config";

let config: WebConfig | undefined;

/**
 * The validated settings, read at the first request rather than at import, so `next build`
 * needs none of them (the build serves every environment).
 */
export function getWebConfig(): WebConfig {
  config ??= parseWebConfig(process.env);
  return config;
}
