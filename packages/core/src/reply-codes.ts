/**
 * Every code a reply may carry (the evaluate protocol over HTTP and Lambda direct invokes, the
 * run API, a queue's failed jobs), each declared once: what it means, the HTTP status a server
 * answers it with, whether the same request may succeed later (and, where a server says so,
 * after how long), and the CLI's exit code when a command ends on it: 2 when the request
 * itself was refused as bad input, 1 for a failure. Servers, clients and the CLI read these
 * entries; none keeps a table of its own.
 */

export interface ReplyCodeEntry {
  readonly description: string;
  readonly status: number;
  /** The same request may succeed later: clients retry it. */
  readonly retryable: boolean;
  /** What a server puts in `Retry-After`, where it says. */
  readonly retryAfterSeconds?: number;
  /** The CLI's exit code when a command ends on this code. */
  readonly exit: 1 | 2;
}

/** The request itself is wrong: no retry, exit 2. */
const refused = (status: 400 | 404 | 409 | 413, description: string): ReplyCodeEntry => ({
  description,
  status,
  retryable: false,
  exit: 2,
});
/** It failed, and the same request would fail again: exit 1. */
const failed = (status: number, description: string): ReplyCodeEntry => ({
  description,
  status,
  retryable: false,
  exit: 1,
});
/** Not now: the same request may succeed later. */
const later = (
  status: 408 | 429 | 503 | 504,
  description: string,
  retryAfterSeconds?: number,
): ReplyCodeEntry => ({
  description,
  status,
  retryable: true,
  ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  exit: 1,
});

/** The engine's and the pool's codes (`GalapagosError`). */
export const ENGINE_REPLY_CODES = {
  GALAPAGOS_ERR_INVALID_CONFIG: refused(
    400,
    'The run configuration does not match its schema or names incompatible operators.',
  ),
  GALAPAGOS_ERR_UNKNOWN_PROBLEM: refused(404, 'No problem with the given id is registered.'),
  GALAPAGOS_ERR_INVALID_PARAMS: refused(
    400,
    "The problem parameters do not match the problem's schema.",
  ),
  GALAPAGOS_ERR_INVALID_GENOME: refused(
    400,
    "A genome does not fit the problem's genome spec (length, alphabet, bounds, permutation).",
  ),
  GALAPAGOS_ERR_INVALID_FITNESS: failed(
    500,
    'The fitness values told to the engine do not match the genomes it asked for.',
  ),
  GALAPAGOS_ERR_INVALID_STATE: refused(
    400,
    'A state passed to ask/tell is not a state this engine produced.',
  ),
  GALAPAGOS_ERR_RUN_COMPLETE: refused(409, 'The run has already evaluated its last generation.'),
  GALAPAGOS_ERR_ABORTED: failed(499, 'The operation was cancelled through its AbortSignal.'),
  GALAPAGOS_ERR_UNSUPPORTED_OPERATOR: refused(
    400,
    'The operator cannot work on this population (e.g. roulette on negative fitness).',
  ),
  GALAPAGOS_ERR_INVALID_COST: refused(400, 'The simulated evaluation cost is malformed.'),
  GALAPAGOS_ERR_OVERLOADED: later(503, 'The evaluation pool queue is full; retry later.', 1),
  GALAPAGOS_ERR_EVALUATION_FAILED: failed(
    500,
    'A fitness evaluation threw or its worker thread died.',
  ),
  GALAPAGOS_ERR_EVALUATION_TIMEOUT: failed(
    500,
    "A genome's evaluation ran past its timeoutMs; its thread (and any program it started) was replaced.",
  ),
  GALAPAGOS_ERR_POOL_CLOSED: later(503, 'The evaluation pool has been closed.', 5),
  GALAPAGOS_ERR_INVALID_PROBLEM: failed(
    500,
    'A problem definition is malformed (id, schema, instance), or two problems share an id.',
  ),
  GALAPAGOS_ERR_PROBLEM_MODULE: failed(
    500,
    'A problem module could not be loaded: missing, failing to build or import, or exporting no problems.',
  ),
  GALAPAGOS_ERR_PROBLEM_MISMATCH: refused(
    409,
    "The target's (or the checkpoint's) problem fingerprint differs from this client's: different code.",
  ),
} as const satisfies Record<string, ReplyCodeEntry>;

/** The HTTP side's codes: what a server answers besides the engine's. */
export const HTTP_REPLY_CODES = {
  GALAPAGOS_ERR_INVALID_REQUEST: refused(
    400,
    'The request does not match the route schema (body, path or query).',
  ),
  GALAPAGOS_ERR_INVALID_JSON: refused(400, 'The request body is not valid JSON.'),
  GALAPAGOS_ERR_NOT_FOUND: refused(404, 'No route matches the method and path.'),
  GALAPAGOS_ERR_UNAUTHORIZED: failed(401, 'An API key is required and was missing or wrong.'),
  GALAPAGOS_ERR_BODY_TOO_LARGE: refused(
    413,
    'The request body is larger than the configured limit.',
  ),
  GALAPAGOS_ERR_UNSUPPORTED_MEDIA_TYPE: failed(
    415,
    'The request body has a content type the route does not accept.',
  ),
  GALAPAGOS_ERR_COST_TOO_HIGH: refused(
    400,
    'The simulated cost asked for exceeds the per-genome or per-request cap.',
  ),
  GALAPAGOS_ERR_TOO_MANY_GENOMES: refused(
    413,
    'The request holds more genomes than the configured maximum.',
  ),
  GALAPAGOS_ERR_TIMEOUT: later(
    504,
    'The evaluation did not finish within the deadline and was abandoned.',
  ),
  GALAPAGOS_ERR_SHUTTING_DOWN: later(503, 'The server is shutting down and takes no new work.', 5),
  GALAPAGOS_ERR_INTERNAL: failed(
    500,
    'An unexpected server fault; the message is logged server-side.',
  ),
  GALAPAGOS_ERR_HEADERS_TOO_LARGE: failed(431, 'The request headers exceed the HTTP parser limit.'),
  GALAPAGOS_ERR_CLIENT_TIMEOUT: later(408, 'The client did not send its whole request in time.'),
  GALAPAGOS_ERR_MALFORMED_HTTP: refused(
    400,
    'The request is not valid HTTP (bad Content-Length, conflicting framing headers, ...).',
  ),
} as const satisfies Record<string, ReplyCodeEntry>;

/** The run API's codes (`/v1/runs`). */
export const RUN_REPLY_CODES = {
  GALAPAGOS_ERR_RUN_NOT_FOUND: refused(404, 'No run has this id on this server.'),
  GALAPAGOS_ERR_TOO_MANY_RUNS: later(
    429,
    'The server holds as many unfinished runs as it takes (GALAPAGOS_MAX_QUEUED_RUNS); try later.',
    30,
  ),
  GALAPAGOS_ERR_RUN_TOO_LARGE: refused(
    413,
    "The run asks for more evaluations than the server's GALAPAGOS_MAX_RUN_EVALUATIONS.",
  ),
  GALAPAGOS_ERR_UNKNOWN_TARGET: refused(
    400,
    "The run names a target the server's config does not have.",
  ),
  GALAPAGOS_ERR_RUNS_DISABLED: failed(
    501,
    'This server does not run evolutions (Lambda and Azure functions, or GALAPAGOS_RUNS=off).',
  ),
} as const satisfies Record<string, ReplyCodeEntry>;

/** Every code a reply may carry, with its entry. */
export const REPLY_CODE_ENTRIES: Readonly<Record<ReplyCodeName, ReplyCodeEntry>> = {
  ...ENGINE_REPLY_CODES,
  ...HTTP_REPLY_CODES,
  ...RUN_REPLY_CODES,
};

export type ReplyCodeName =
  | keyof typeof ENGINE_REPLY_CODES
  | keyof typeof HTTP_REPLY_CODES
  | keyof typeof RUN_REPLY_CODES;

/** A code's entry, when it is one of the catalogue's. */
export const replyCodeEntry = (code: unknown): ReplyCodeEntry | undefined =>
  typeof code === 'string' && Object.hasOwn(REPLY_CODE_ENTRIES, code)
    ? REPLY_CODE_ENTRIES[code as ReplyCodeName]
    : undefined;

/** The descriptions of a group of entries (a catalogue as code → meaning). */
export const descriptionsOf = <K extends string>(entries: Readonly<Record<K, ReplyCodeEntry>>) =>
  Object.fromEntries(
    Object.entries<ReplyCodeEntry>(entries).map(([k, e]) => [k, e.description]),
  ) as {
    readonly [C in K]: string;
  };
