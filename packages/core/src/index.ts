/**
 * `@galapagos/core`: a pure, seeded, reproducible genetic-algorithm engine (ask/tell over a
 * JSON state), its fitness problems and the wire schemas. No I/O, no clock, no Math.random.
 */
export {
  ask,
  assertState,
  extend,
  init,
  isComplete,
  tell,
} from './engine/algorithm.js';
export { type AlgorithmConfig, AlgorithmSchema } from './engine/algorithms.js';
export { assertResumableState } from './engine/check-state.js';
export {
  type CodeChange,
  type CrossoverConfig,
  CrossoverSchema,
  type EngineConfig,
  type EngineConfigInput,
  EngineConfigSchema,
  engineConfigIssues,
  type MutationConfig,
  MutationSchema,
  resolveConfig,
  type SelectionConfig,
  SelectionSchema,
} from './engine/config.js';
export {
  type Evaluate,
  type EvaluationContext,
  type EvolveOptions,
  type EvolveResult,
  evolve,
  localEvaluate,
} from './engine/evolve.js';
export { referenceExperiment } from './engine/reference.js';
export type {
  AskResult,
  EngineState,
  Evaluated,
  Individual,
  LogbookEntry,
} from './engine/state.js';
export { askOne, canAskOne, tellOne } from './engine/steady-state.js';
export { type StopConfig, type StopReason, StopSchema } from './engine/stop.js';
export {
  ERROR_CODES,
  type ErrorCode,
  GalapagosError,
  isErrorCode,
  isGalapagosError,
} from './errors.js';
export {
  DEFAULT_QUEUE,
  EVALUATE_JOB,
  fleetKeys,
  HEARTBEAT_MS,
  HEARTBEAT_TTL_MS,
  QUEUE_NAME_PATTERN,
  type QueueJob,
  QueueJobSchema,
  REDIS_PASSWORD_ENV,
  REDIS_USERNAME_ENV,
  type RedisSettings,
  reconnectDelayMs,
  redisSettings,
  type WorkerAdvert,
  WorkerAdvertSchema,
} from './fleet.js';
export {
  assertGenomes,
  type BinaryGenome,
  type BinarySpec,
  cloneGenome,
  GENOME_KINDS,
  type Genome,
  type GenomeSpec,
  genomeKey,
  genomeProblem,
  type PermutationGenome,
  type PermutationSpec,
  type RealGenome,
  type RealSpec,
  randomGenome,
  renderGenome,
} from './genome.js';
export {
  LAMBDA_EVENT_SOURCES,
  type LambdaEventSource,
  lambdaControlEvent,
} from './lambda-invoke.js';
export { CROSSOVERS, type GenomeKind, MUTATIONS, SELECTIONS } from './operators/catalogue.js';
export {
  cxBlend,
  cxOnePoint,
  cxOrdered,
  cxPartiallyMatched,
  cxSimulatedBinaryBounded,
  cxTwoPoint,
  cxUniform,
  type Sequence,
} from './operators/crossover.js';
export {
  mutFlipBit,
  mutGaussian,
  mutPolynomialBounded,
  mutShuffleIndexes,
} from './operators/mutation.js';
export {
  type Scored,
  selBest,
  selRandom,
  selRoulette,
  selTournament,
} from './operators/selection.js';
export {
  crowdingDistance,
  dominates,
  hypervolume,
  nonDominatedSort,
  type Objectives,
  type Point,
  rankAndCrowding,
  selNSGA2,
  selTournamentDCD,
} from './pareto/pareto.js';
export { knapsack } from './problems/knapsack.js';
export { nqueens } from './problems/nqueens.js';
export { onemax } from './problems/onemax.js';
export { paramsErrors, withDefaults } from './problems/params.js';
export { rastrigin } from './problems/rastrigin.js';
export {
  builtinProblems,
  createRegistry,
  defaultRegistry,
  type ProblemRegistry,
  type ProblemSummary,
  type RegistryOptions,
  type ResolvedProblem,
} from './problems/registry.js';
export { sphere } from './problems/sphere.js';
export { tsp } from './problems/tsp.js';
export {
  defineProblem,
  type Fitness,
  type FitnessValue,
  type Objective,
  type ParamsOf,
  type ParamsSchema,
  type ProblemDefinition,
  type ProblemInstance,
} from './problems/types.js';
export { assertDefinition, PROBLEM_ID_PATTERN } from './problems/validate.js';
export {
  forEachChosen,
  isRandomState,
  Random,
  type RandomState,
  seedState,
} from './random.js';
export {
  descriptionsOf,
  ENGINE_REPLY_CODES,
  HTTP_REPLY_CODES,
  REPLY_CODE_ENTRIES,
  type ReplyCodeEntry,
  type ReplyCodeName,
  RUN_REPLY_CODES,
  replyCodeEntry,
} from './reply-codes.js';
export {
  RUN_ERROR_CODES,
  RUN_STATUS_VALUES,
  RunDetailSchema,
  type RunErrorCode,
  RunEventSchema,
  RunGenerationEventSchema,
  RunListSchema,
  RunStateSchema,
  RunSummarySchema,
} from './run-api.js';
export { type ConfigIssue, issuesLine, schemaIssues } from './schema-issues.js';
export {
  COST_MODES,
  type Cost,
  type CostMode,
  CostSchema,
  type ErrorReply,
  ErrorReplySchema,
  type EvaluateRequest,
  EvaluateRequestSchema,
  type EvaluateResponse,
  EvaluateResponseSchema,
  GENOME_FAILURE_CODES,
  type GenomeFailure,
  GenomeFailureSchema,
  type Health,
  HealthSchema,
  MAX_GENOMES_PER_REQUEST,
  type ProblemList,
  ProblemListSchema,
  ProblemSummarySchema,
  WireGenomeSchema,
} from './wire.js';
