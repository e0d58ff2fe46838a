/**
 * The client's error catalogue and its error classes: {@link ClientError} and its subclasses
 * {@link ConfigError}, {@link CheckpointError}, {@link SpawnError}, {@link InterruptError} and
 * {@link EvaluationError} (what every evaluator failure becomes; a server's coded reply is
 * turned back into one with the same code).
 */
import {
  type ConfigIssue,
  type ErrorCode,
  type Fitness,
  type GalapagosError,
  type GenomeFailure,
  replyCodeEntry,
} from '@galapagos/core';

export const CLIENT_ERROR_CODES = {
  GALAPAGOS_ERR_CONFIG: 'The config file or the command line is invalid (path and reason given).',
  GALAPAGOS_ERR_UNREACHABLE: 'The target could not be reached (connection refused, reset or DNS).',
  GALAPAGOS_ERR_REQUEST_TIMEOUT: 'A request got no reply within dispatch.timeoutMs.',
  GALAPAGOS_ERR_BAD_REPLY: 'The target answered something that is not a valid evaluate reply.',
  GALAPAGOS_ERR_HTTP: 'The target answered an HTTP error without a Galápagos error code.',
  GALAPAGOS_ERR_THROTTLED:
    'AWS Lambda throttled the invoke (TooManyRequestsException); retried after its delay.',
  GALAPAGOS_ERR_FUNCTION_ERROR:
    'The Lambda function failed (timeout, out of memory, crash); the batch is retried.',
  GALAPAGOS_ERR_LAMBDA:
    'The Lambda Invoke API refused the call (e.g. unknown function, no permission).',
  GALAPAGOS_ERR_NO_WORKERS:
    'No fleet worker takes batches from the queue (start one: galapagos worker --redis URL).',
  GALAPAGOS_ERR_WORKER_LOST:
    'A batch failed on the queue without a reply: the workers holding it died; it is sent again.',
  GALAPAGOS_ERR_SPAWN_FAILED: 'The local server could not be started or did not become healthy.',
  GALAPAGOS_ERR_CHECKPOINT: 'The checkpoint file could not be written or read.',
  GALAPAGOS_ERR_INTERNAL: 'An unexpected fault in the client itself (a bug: please report it).',
} as const;

export type ClientErrorCode = keyof typeof CLIENT_ERROR_CODES;

/**
 * A code a client error may carry: the client's own, core's (a problem module that fails to
 * load, params a problem refuses), or one a target sent back in a coded reply (a newer server
 * may know codes this client does not).
 */
export type ErrorCodeOf = ClientErrorCode | ErrorCode | `GALAPAGOS_ERR_${string}`;

/** Exit codes of the CLI: a run that failed, and bad usage, config or input files. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/**
 * The base of every error the client throws on purpose. Its class says how a command ends:
 * {@link ClientError.exitCode}.
 */
export abstract class ClientError extends Error {
  abstract readonly code: ErrorCodeOf;
  /** What the CLI exits with when this error ends a command. */
  abstract readonly exitCode: typeof EXIT_FAILED | typeof EXIT_USAGE;
}

/**
 * Bad usage or input: the config file or command line (`GALAPAGOS_ERR_CONFIG`, with every issue
 * found), or what they name: a problem module, its params, a problem the target does not serve
 * or serves with other code (core's codes). Exit code 2.
 */
export class ConfigError extends ClientError {
  override readonly name = 'ConfigError';
  readonly code: 'GALAPAGOS_ERR_CONFIG' | ErrorCode;
  readonly exitCode = EXIT_USAGE;
  readonly issues: readonly ConfigIssue[];
  readonly details: unknown;

  /** The issues of one file (or `environment`, `command line`), one line each. */
  constructor(file: string, issues: readonly ConfigIssue[]);
  /** A coded input error (core's code), such as an unknown problem. */
  constructor(code: ErrorCode, message: string, options?: { details?: unknown; cause?: unknown });
  constructor(
    first: string,
    second: readonly ConfigIssue[] | string,
    options: { details?: unknown; cause?: unknown } = {},
  ) {
    const listed = typeof second !== 'string';
    super(
      listed ? `${first}:\n${second.map((i) => `  ${i.path}: ${i.message}`).join('\n')}` : second,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = listed ? 'GALAPAGOS_ERR_CONFIG' : (first as ErrorCode);
    this.issues = listed ? second : [];
    this.details = options.details;
  }

  /** Core's input errors (a module, params, a definition), kept under their own codes. */
  static from(error: GalapagosError): ConfigError {
    return new ConfigError(error.code, error.message, { details: error.details, cause: error });
  }
}

/**
 * A checkpoint that cannot be read (bad input: exit code 2) or written (the run failed: 1).
 * Code `GALAPAGOS_ERR_CHECKPOINT`.
 */
export class CheckpointError extends ClientError {
  override readonly name = 'CheckpointError';
  readonly code = 'GALAPAGOS_ERR_CHECKPOINT';
  readonly exitCode: typeof EXIT_FAILED | typeof EXIT_USAGE;
  constructor(reading: boolean, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = reading ? EXIT_USAGE : EXIT_FAILED;
  }
}

/**
 * A call to a server's run API failed (`galapagos submit`, `status`, `watch`, `cancel`): the
 * server could not be reached, answered no JSON, failed the run, or closed its event stream.
 * Exit 1 (a refused request is a {@link RefusedError}).
 */
export class RunApiError extends ClientError {
  override readonly name = 'RunApiError';
  readonly exitCode = EXIT_FAILED;
  constructor(
    readonly code: ErrorCodeOf,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
  }
  readonly status: number | undefined;
}

/**
 * A local server could not be started for a target with `spawn` (no server entry, or it did
 * not become healthy). Code `GALAPAGOS_ERR_SPAWN_FAILED`, exit 1.
 */
export class SpawnError extends ClientError {
  override readonly name = 'SpawnError';
  readonly code = 'GALAPAGOS_ERR_SPAWN_FAILED';
  readonly exitCode = EXIT_FAILED;
}

/** The run was stopped by a signal (Ctrl-C, SIGTERM). Code `GALAPAGOS_ERR_ABORTED`, exit 1. */
export class InterruptError extends ClientError {
  override readonly name = 'InterruptError';
  readonly code = 'GALAPAGOS_ERR_ABORTED';
  readonly exitCode = EXIT_FAILED;
  constructor(signal: string) {
    super(`interrupted by ${signal}`);
  }
}

/**
 * A server refused a request as bad input (a run config it finds invalid, a run id it does
 * not know, a run too large): the code its reply carried, exit code 2.
 */
export class RefusedError extends ClientError {
  override readonly name = 'RefusedError';
  readonly exitCode = EXIT_USAGE;
  constructor(
    readonly code: ErrorCodeOf,
    message: string,
  ) {
    super(message);
  }
}

/** Statuses worth retrying when a reply carries no code of the catalogue: overload, gateway trouble, timeouts. */
const RETRYABLE_STATUS = new Set([408, 429, 502, 503, 504]);

/** A failed evaluation request, with what the dispatcher needs to decide on a retry. Exit 1. */
export class EvaluationError extends ClientError {
  override readonly name: string = 'EvaluationError';
  readonly code: ErrorCodeOf;
  readonly exitCode = EXIT_FAILED;
  readonly status: number | undefined;
  readonly retryable: boolean;
  /** The server's `Retry-After`, in ms, when it sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ErrorCodeOf,
    message: string,
    options: { status?: number; retryable: boolean; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * Some genomes of a request failed on their own (the fitness threw, ran past its deadline or
 * killed its thread): the others' fitness came back with them, so none is sent again for a
 * neighbour's failure. Never retried as a request.
 */
export class GenomeFailuresError extends EvaluationError {
  override readonly name = 'GenomeFailuresError';

  constructor(
    /** The request's fitness, null where the genome failed. */
    readonly fitness: readonly (Fitness | null)[],
    /** The failed genomes, by index in the request, each with its code and message. */
    readonly failures: readonly GenomeFailure[],
  ) {
    const [first] = failures as [GenomeFailure];
    const more = failures.length > 1 ? ` (and ${failures.length - 1} more genomes failed)` : '';
    super(first.code, `${first.message}${more}`, { retryable: false });
  }
}

/** `Retry-After` (seconds or an HTTP date) in ms, if present and sane. */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now = Date.now(),
): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The error an HTTP error reply stands for: its Galápagos code when it has one. */
export function errorFromReply(
  status: number,
  body: unknown,
  retryAfter: string | string[] | undefined,
): EvaluationError {
  const reply = body as { code?: unknown; message?: unknown } | null;
  const coded = typeof reply?.code === 'string' && /^GALAPAGOS_ERR_[A-Z_]+$/.test(reply.code);
  const code = coded ? (reply!.code as ErrorCodeOf) : 'GALAPAGOS_ERR_HTTP';
  const message =
    typeof reply?.message === 'string'
      ? reply.message
      : `HTTP ${status} without a coded error body`;
  const retryAfterMs = parseRetryAfter(retryAfter);
  // A coded reply is retried as its code's entry says (core's reply-codes.ts), whatever proxy
  // answered; an uncoded one by its status.
  const entry = coded ? replyCodeEntry(code) : undefined;
  return new EvaluationError(code, message, {
    status,
    retryable: entry?.retryable ?? RETRYABLE_STATUS.has(status),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}
