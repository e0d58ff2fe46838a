/** `@galapagos/client`: evaluators, the dispatcher, the run loop and config handling. */
export { readCheckpoint, writeCheckpoint } from './checkpoint.js';
export { ConfigError, loadConfig, readConfigFile, resolveHeaders } from './config/load.js';
export type {
  Config,
  DispatchConfig,
  EmbeddedTarget,
  HttpTarget,
  LambdaTarget,
  RunConfig,
  Target,
} from './config/schema.js';
export { ConfigSchema } from './config/schema.js';
export {
  type ConfigIssue,
  type ConfigResult,
  configJsonSchema,
  selectTarget,
  validateConfig,
} from './config/validate.js';
export { Dispatcher, type DispatchProblem, type DispatchStats } from './dispatcher.js';
export {
  CLIENT_ERROR_CODES,
  type ClientErrorCode,
  EvaluationError,
  errorFromReply,
  parseRetryAfter,
} from './errors.js';
export { createEmbeddedEvaluator } from './evaluators/embedded.js';
export { createHttpEvaluator, type HttpEvaluatorOptions } from './evaluators/http.js';
export { createLambdaEvaluator, type LambdaEvaluatorOptions } from './evaluators/lambda.js';
export type { Evaluator, TargetHealth } from './evaluators/types.js';
export { engineConfig, type RunOptions, type RunResult, runEvolution } from './run.js';
export {
  ensureLocalServer,
  freePort,
  type LocalServer,
  type StartServerOptions,
  serverEntry,
  startServer,
} from './spawn.js';
export { type OpenTarget, openTarget } from './targets.js';
