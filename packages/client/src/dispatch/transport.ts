/**
 * The innermost send: one request to the evaluator, given up on past the adaptive timeout
 * (see timeout.ts). It measures what the other policies decide by: reply times, genomes
 * answered, genomes in flight.
 */
import type { Genome } from '@galapagos/core';
import { EvaluationError, GenomeFailuresError } from '../errors.js';
import type { Evaluator } from '../evaluators/types.js';
import type { Congestion } from './congestion.js';
import type { AdaptiveTimeout } from './timeout.js';
import type { DispatchProblem, DispatchStats, Send } from './types.js';

/** What the transport has measured so far. */
export class Measures {
  /** Genomes whose replies came back. */
  answered = 0;
  /** Wall time of the requests that were answered, summed, ms. */
  requestMs = 0;
  /** Genomes in requests not answered yet (duplicates included). */
  inFlight = 0;
}

/**
 * The request for a batch, sent once per call. `timedOutBefore` tells it how often this batch
 * has timed out already (the timeout doubles).
 */
export function transport(
  evaluator: Evaluator,
  problem: DispatchProblem,
  timeout: AdaptiveTimeout,
  congestion: Congestion,
  stats: DispatchStats,
  measures: Measures,
): (timedOutBefore: () => number, onTimeout: () => void) => Send {
  const { problem: id, params, cost, deadlineMs } = problem;
  return (timedOutBefore, onTimeout) => async (genomes: readonly Genome[], signal) => {
    signal.throwIfAborted();
    // Nothing downstream changes the genomes (the wire form is read-only). Every genome's
    // outcome comes back on its own (`partial`): a failure never costs its neighbours.
    const request = {
      problem: id,
      params,
      ...(cost && cost.ms > 0 ? { cost } : {}),
      ...(deadlineMs === undefined ? {} : { timeoutMs: deadlineMs }),
      partial: true,
      genomes: genomes as Genome[],
    };
    stats.requests++;
    stats.evaluationsSent += genomes.length;
    const timeoutMs = timeout.ms(genomes.length, timedOutBefore());
    // One controller and one timer per attempt: AbortSignal.any/timeout cost far more per
    // request (and load the garbage collector) with many small requests in flight.
    const attempt = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      attempt.abort();
    }, timeoutMs);
    const onAbort = () => attempt.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const started = performance.now();
    measures.inFlight += genomes.length;
    try {
      const values = await evaluator.evaluate(request, {
        signal: attempt.signal,
        fingerprint: problem.fingerprint,
      });
      answered(performance.now() - started);
      return values;
    } catch (error) {
      if (timedOut && !signal.aborted) {
        stats.timeouts++;
        onTimeout();
        throw new EvaluationError(
          'GALAPAGOS_ERR_REQUEST_TIMEOUT',
          `no reply within ${Math.round(timeoutMs)} ms${timeout.isMax(timeoutMs) ? ' (dispatch.timeoutMs)' : ' (4 × the expected time; the wait doubles on each timeout, up to dispatch.timeoutMs)'}`,
          { retryable: true },
        );
      }
      // Some genomes failed on their own: the request itself was answered.
      if (error instanceof GenomeFailuresError) answered(performance.now() - started);
      throw error;
    } finally {
      measures.inFlight -= genomes.length;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }

    function answered(tookMs: number) {
      timeout.answered(tookMs);
      measures.answered += genomes.length;
      measures.requestMs += tookMs;
      congestion.answered();
    }
  };
}
