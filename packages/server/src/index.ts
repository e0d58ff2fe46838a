/**
 * `@galapagos/server`: the Galápagos fitness server as a Fastify app factory, the run service
 * a listening server hosts, and the server started as a child process.
 */
export { buildApp } from './app.js';
export { SERVER_ENTRY, WORKER_ENTRY } from './entries.js';
export {
  errorBody,
  REPLY_CODES,
  RETRY_AFTER_SECONDS,
  type ReplyCode,
  SERVER_ERROR_CODES,
  type ServerErrorCode,
  STATUS_BY_CODE,
} from './errors.js';
export { startServer } from './local.js';
export {
  defaultOptions,
  type ListenOptions,
  listenFromEnv,
  optionsFromEnv,
  type ServerOptions,
} from './options.js';
export { RUN_ERROR_CODES, type RunErrorCode, RunServiceError } from './runs/errors.js';
export type { EndEvent, GenerationEvent, RunEvent } from './runs/events.js';
export { DEFAULT_RUNS_DIR, openRunService, type RunServiceSettings } from './runs/open.js';
export type {
  RunDetail,
  RunOutcome,
  RunRecord,
  RunStatus,
  RunSummary,
} from './runs/record.js';
export {
  createRunService,
  type RunHost,
  type RunService,
  type RunServiceLog,
  type RunServiceOptions,
} from './runs/service.js';
export { SELF_TARGET } from './runs/submission.js';
