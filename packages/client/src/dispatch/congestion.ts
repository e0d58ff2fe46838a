/**
 * Congestion control (AIMD): how many requests are in flight. A target that says "later" (a
 * full queue, throttling) halves it and asks for a pause; each answered request adds one back,
 * up to `dispatch.concurrency`.
 */
import pLimit from 'p-limit';
import { EvaluationError } from '../errors.js';

/** Longest a server's Retry-After is honoured for, so a bad header cannot stall a run. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * The target saying "later", not "no": a full queue (503 `GALAPAGOS_ERR_OVERLOADED`) or
 * throttling (429, Lambda's TooManyRequestsException). Such a failure slows the run (fewer
 * requests in flight) and never uses up its retries while the target keeps answering.
 */
export function isOverload(error: unknown): boolean {
  if (!(error instanceof EvaluationError)) return false;
  return (
    error.code === 'GALAPAGOS_ERR_OVERLOADED' ||
    error.code === 'GALAPAGOS_ERR_THROTTLED' ||
    error.status === 429
  );
}

export class Congestion {
  /** Runs at most `concurrency` requests at once; the bound moves with the target's answers. */
  readonly limit: ReturnType<typeof pLimit>;
  /** Until then the target has asked for no more work (overload). */
  private quietUntil = 0;

  constructor(private readonly concurrency: number) {
    this.limit = pLimit(concurrency);
  }

  /** Additive increase: back towards the configured concurrency after an overload. */
  answered(): void {
    if (this.limit.concurrency < this.concurrency) this.limit.concurrency += 1;
  }

  /** Multiplicative decrease, and a pause of the target's `Retry-After` (1 s without one). */
  overloaded(retryAfterMs: number | undefined): void {
    this.limit.concurrency = Math.max(1, Math.floor(this.limit.concurrency / 2));
    this.quietUntil = Math.max(
      this.quietUntil,
      performance.now() + Math.min(retryAfterMs ?? 1000, MAX_RETRY_AFTER_MS),
    );
  }

  /** Whether the target takes more than its share now: not throttled, at full concurrency. */
  calm(): boolean {
    return performance.now() >= this.quietUntil && this.limit.concurrency >= this.concurrency;
  }
}
