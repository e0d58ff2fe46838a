/**
 * The run API's error codes (`/v1/runs`): raised by the run service (the client's, hosted by a
 * server) and answered by the server with their statuses. One catalogue for both sides.
 */
export const RUN_ERROR_CODES = {
  GALAPAGOS_ERR_RUN_NOT_FOUND: 'No run has this id on this server.',
  GALAPAGOS_ERR_TOO_MANY_RUNS:
    'The server holds as many unfinished runs as it takes (GALAPAGOS_MAX_QUEUED_RUNS); try later.',
  GALAPAGOS_ERR_RUN_TOO_LARGE:
    "The run asks for more evaluations than the server's GALAPAGOS_MAX_RUN_EVALUATIONS.",
  GALAPAGOS_ERR_UNKNOWN_TARGET: "The run names a target the server's config does not have.",
  GALAPAGOS_ERR_RUNS_DISABLED:
    'This server does not run evolutions (Lambda and Azure functions, or no @galapagos/client beside it).',
} as const;

export type RunErrorCode = keyof typeof RUN_ERROR_CODES;
