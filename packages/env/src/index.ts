export { ConfigError, type Environment, parseEnvironment } from "./parse";
export { resolveStack, type Stack, StackEnv } from "./stack";
export {
  loopbackTwin,
  Port,
  parseHttpUrl,
  parseOrigin,
  parseOriginList,
  withLoopbackTwin,
} from "./values";
