/** `@galapagos/client`: evaluators, the dispatcher, the run loop and config handling. */
export {
  type Checkpoint,
  CheckpointWriter,
  checkpointFolder,
  latestUnfinished,
  newCheckpointFile,
  readCheckpoint,
  readCheckpointFile,
  writeCheckpoint,
} from './checkpoint/index.js';
export { resolveHeaders } from './config/headers.js';
export { loadConfig, readConfigFile } from './config/load.js';
export type { Config, DispatchConfig, RunConfig, Target } from './config/schema.js';
export { ConfigSchema } from './config/schema.js';
export {
  type ConfigResult,
  configJsonSchema,
  selectTarget,
  validateConfig,
} from './config/validate.js';
export type { TargetUsage } from './cost.js';
export { Dispatcher, type DispatchProblem, type DispatchStats } from './dispatch/dispatcher.js';
export {
  CheckpointError,
  CLIENT_ERROR_CODES,
  ClientError,
  type ClientErrorCode,
  ConfigError,
  type ErrorCodeOf,
  EvaluationError,
  EXIT_FAILED,
  EXIT_USAGE,
  errorFromReply,
  GenomeFailuresError,
  InterruptError,
  parseRetryAfter,
  RefusedError,
  RunApiError,
  SpawnError,
} from './errors.js';
export { createEmbeddedEvaluator } from './evaluators/embedded.js';
export { createHttpEvaluator, type HttpEvaluatorOptions } from './evaluators/http.js';
export { createLambdaEvaluator, type LambdaEvaluatorOptions } from './evaluators/lambda.js';
export {
  createQueueEvaluator,
  type QueueEvaluator,
  type QueueEvaluatorOptions,
} from './evaluators/queue.js';
export type { Evaluator, TargetHealth } from './evaluators/types.js';
export { median } from './median.js';
export { type Plan, type ProbeFigures, predict, type RunShape } from './plan/model.js';
export { probeFigures } from './plan/probe.js';
export { simulateSends } from './plan/simulate.js';
export {
  checkRun,
  PROBLEMS_TIMEOUT_MS,
  type PreparedRun,
  type PrepareRunOptions,
  prepareRun,
  runProblems,
} from './prepare.js';
export { checkResumeFingerprint, checkTargetProblem, withTargetProblem } from './problems.js';
export {
  classifyRedisError,
  connectRedis,
  RedisConnectError,
  type RedisConnectOptions,
  type RedisFailure,
} from './redis-connection.js';
export {
  engineConfig,
  type GenerationStats,
  type RunOptions,
  type RunResult,
  runEvolution,
  utilisationOf,
} from './run.js';
export {
  ensureLocalServer,
  freePort,
  type LocalServer,
  type SpawnSettings,
  type StartServerOptions,
  startServer,
} from './spawn.js';
export {
  openTarget,
  probeTarget,
  TARGET_KINDS,
  type TargetConnection,
  type TargetContext,
  type TargetKind,
  type TargetProbe,
  targetKind,
} from './targets/index.js';
export { defineTargetKind } from './targets/types.js';
