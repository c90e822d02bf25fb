export { ConfigError, type Environment, parseEnvironment } from "./parse";
export { resolveStack, type Stack, StackEnv } from "./stack";
export {
  loopbackTwin,
  Port,
  parseHttpUrl,
  parseOrigin,
  parseOriginList,
  parseTrustProxy,
  withLoopbackTwin,
} from "./values";
