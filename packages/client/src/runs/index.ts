/**
 * `@galapagos/client/runs`: the run service a server hosts (`POST /v1/runs` and the rest): runs
 * executed off the request cycle with the client's own run loop, persisted per generation.
 */
export { RUN_ERROR_CODES, type RunErrorCode, RunServiceError } from './errors.js';
export type { EndEvent, GenerationEvent, RunEvent } from './events.js';
export { DEFAULT_RUNS_DIR, openRunService, type RunServiceSettings } from './open.js';
export type {
  GenerationStats,
  RunDetail,
  RunOutcome,
  RunRecord,
  RunStatus,
  RunSummary,
} from './record.js';
export {
  createRunService,
  type RunService,
  type RunServiceLog,
  type RunServiceOptions,
  type SelfAddress,
} from './service.js';
export { SELF_TARGET } from './submission.js';
