/**
 * `@galapagos/core/runtime`: the Node-only side of core, the simulated evaluation cost and the
 * worker-thread evaluation pool shared by the server and the client's embedded evaluator.
 */

export {
  type BundleOptions,
  bundleHash,
  bundleProblemModule,
  type ProblemBundle,
} from './bundle.js';
export { type CommandProblemOptions, defineCommandProblem } from './command.js';
export {
  assertCost,
  busyUntil,
  busyWait,
  type CostContext,
  type CpuCalibration,
  calibrateCpu,
  cpuWork,
  createSpinGauge,
  genomeCostMs,
  maxGenomeCostMs,
  meanGenomeCostMs,
  monotonicMs,
  payCostFrom,
  type SpinGauge,
  sleepUntil,
  threadCpuMs,
} from './cost.js';
export {
  createEvaluationPool,
  type EvaluateOptions,
  type EvaluationPool,
  type EvaluationPoolOptions,
  type PoolBatch,
  type PoolStats,
} from './pool.js';
export {
  type LoadedProblems,
  loadProblemModules,
  loadRegistry,
  type ProblemModule,
} from './problem-modules.js';
