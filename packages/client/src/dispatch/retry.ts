/**
 * Retries a batch whose request failed in transport (connection lost, 5xx, a timeout, the
 * target full): jittered exponential backoff, `dispatch.retries` times; overload slows the
 * run (congestion.ts) and never uses up the budget while the target keeps answering. A
 * genome's own failure is not retried here (see isolation.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pRetry from 'p-retry';
import type { DispatchConfig } from '../config/schema.js';
import { EvaluationError } from '../errors.js';
import { type Congestion, isOverload, MAX_RETRY_AFTER_MS } from './congestion.js';
import type { DispatchEvents, DispatchStats, Send } from './types.js';

/** A send told how often its batch timed out before, and told when it does again. */
export type TimedSend = (timedOutBefore: () => number, onTimeout: () => void) => Send;

export function retry(
  config: Pick<DispatchConfig, 'retries'>,
  congestion: Congestion,
  stats: DispatchStats,
  events: DispatchEvents,
): (send: TimedSend) => Send {
  return (send) => (genomes, signal) => {
    let timeouts = 0;
    const attempt = send(
      () => timeouts,
      () => timeouts++,
    );
    let attempts = 0;
    return pRetry(
      () => {
        if (attempts++ > 0) stats.duplicates.transport += genomes.length;
        return attempt(genomes, signal);
      },
      {
        retries: config.retries,
        factor: 2,
        minTimeout: 100,
        maxTimeout: 10_000,
        randomize: true,
        signal,
        shouldConsumeRetry: ({ error }) => !isOverload(error),
        shouldRetry: ({ error }) => error instanceof EvaluationError && error.retryable,
        onFailedAttempt: async ({ error, retriesLeft, attemptNumber }) => {
          if (!(error instanceof EvaluationError) || !error.retryable) return;
          const overload = isOverload(error);
          if (!overload && retriesLeft === 0) return;
          if (overload) congestion.overloaded(error.retryAfterMs);
          stats.retries++;
          events.onRetry?.({
            error,
            genomes: genomes.length,
            attempt: attemptNumber,
            retriesLeft: overload ? retriesLeft : retriesLeft - 1,
            overload,
            concurrency: congestion.limit.concurrency,
          });
          if (error.retryAfterMs !== undefined)
            await sleep(Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS), undefined, { signal });
        },
      },
    );
  };
}
