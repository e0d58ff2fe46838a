/**
 * The client's error catalogue, and the typed error every evaluator failure becomes. A server's
 * coded reply is turned back into an {@link EvaluationError} with the same code.
 */

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
  GALAPAGOS_ERR_SPAWN_FAILED: 'The local server could not be started or did not become healthy.',
  GALAPAGOS_ERR_CHECKPOINT: 'The checkpoint file could not be written or read.',
  GALAPAGOS_ERR_INTERNAL: 'An unexpected fault in the client itself (a bug: please report it).',
} as const;

export type ClientErrorCode = keyof typeof CLIENT_ERROR_CODES;

/** Statuses worth retrying: overload, gateway trouble, timeouts. */
const RETRYABLE_STATUS = new Set([408, 429, 502, 503, 504]);

/** A failed evaluation request, with what the dispatcher needs to decide on a retry. */
export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
  readonly code: string;
  readonly status: number | undefined;
  readonly retryable: boolean;
  /** The server's `Retry-After`, in ms, when it sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: string,
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
  const code = coded ? (reply!.code as string) : 'GALAPAGOS_ERR_HTTP';
  const message =
    typeof reply?.message === 'string'
      ? reply.message
      : `HTTP ${status} without a coded error body`;
  const retryAfterMs = parseRetryAfter(retryAfter);
  return new EvaluationError(code, message, {
    status,
    retryable: RETRYABLE_STATUS.has(status),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}
