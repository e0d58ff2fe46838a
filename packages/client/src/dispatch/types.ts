/**
 * What the dispatcher's policies share: one batch's send, the links that wrap it (tRPC-style:
 * each takes the next send and returns one), the problem being dispatched and the counts.
 */
import type { Cost, Fitness, Genome, GenomeFailure } from '@galapagos/core';
import type { EvaluationError } from '../errors.js';

/** Sends one batch and resolves with its fitness, in order. */
export type Send = (genomes: readonly Genome[], signal: AbortSignal) => Promise<Fitness[]>;

/** A policy around a send: it may send again, send less, or answer without sending. */
export type Link = (next: Send) => Send;

/** Composes links outside-in: `chain(a, b)(send)` is `a(b(send))`. */
export const chain =
  (...links: readonly Link[]): Link =>
  (send) =>
    links.reduceRight((next, link) => link(next), send);

/** What the dispatcher did, for the run summary. */
export interface DispatchStats {
  /** Genomes the run asked fitness for, repeats included. */
  requested: number;
  /** Requests sent, retries included. */
  requests: number;
  /** Requests sent again after a retryable failure or a timeout. */
  retries: number;
  /** Of the retries: requests that timed out and were dispatched again. */
  timeouts: number;
  /** Genomes whose fitness came from the cache (earlier generations or duplicates). */
  cacheHits: number;
  /** Genome evaluations sent, every kind of duplicate included. */
  evaluationsSent: number;
  /** Distinct genomes sent for the first time: what the run needed. */
  distinct: number;
  /** Evaluations sent beyond `distinct`, by why. */
  duplicates: {
    /** Sent again after a transport failure (connection lost, 5xx, a request timeout). */
    transport: number;
    /** Duplicates of straggling batches on idle capacity (speculation). */
    speculation: number;
    /** A failed genome tried again (`run.onError.retries`). */
    failureRetries: number;
  };
  /** Genomes given the penalty fitness because their evaluation failed. */
  penalised: number;
  /** Of the failures: genomes that ran past their deadline. */
  timedOutGenomes: number;
  /** Duplicates sent for straggling batches (speculative re-dispatch). */
  speculated: number;
  /** Of them: duplicates that answered first. */
  speculationWins: number;
}

export const emptyStats = (): DispatchStats => ({
  requested: 0,
  requests: 0,
  retries: 0,
  timeouts: 0,
  cacheHits: 0,
  evaluationsSent: 0,
  distinct: 0,
  duplicates: { transport: 0, speculation: 0, failureRetries: 0 },
  penalised: 0,
  timedOutGenomes: 0,
  speculated: 0,
  speculationWins: 0,
});

export interface DispatchProblem {
  readonly problem: string;
  readonly params: Record<string, unknown>;
  readonly cost?: Cost | undefined;
  /**
   * Fitness for a genome whose evaluation fails (`run.onError.penalty`); without it such a
   * failure fails the run.
   */
  readonly penalty?: number | undefined;
  /** Times a failed genome is evaluated again before it counts as failed (default 0). */
  readonly failureRetries?: number | undefined;
  /**
   * Longest one genome's evaluation may run on the target, ms, as far as the client knows:
   * the wait for a reply allows for it.
   */
  readonly genomeTimeoutMs?: number | undefined;
  /** `run.onError.timeoutMs`: sent with each request, overriding the problem's own. */
  readonly deadlineMs?: number | undefined;
  /** The run's fingerprint of the problem, sent with each batch to targets that check it. */
  readonly fingerprint?: string | undefined;
  /**
   * A shipped problem: its fitness takes microseconds, so without a simulated cost `auto`
   * batches it as cheap from the first call instead of waiting for a measurement.
   */
  readonly shipped?: boolean;
}

/** What the dispatcher reports as it goes (the CLI prints it). */
export interface DispatchEvents {
  /** A genome failed for good (retries spent) and was given the penalty. */
  onPenalised?: (failure: GenomeFailure, penalty: number) => void;
  /** A request failed and is sent again after a pause. */
  onRetry?: (info: {
    readonly error: EvaluationError;
    readonly genomes: number;
    readonly attempt: number;
    /** Retries left in the batch's budget (overload does not use it). */
    readonly retriesLeft: number;
    readonly overload: boolean;
    readonly concurrency: number;
  }) => void;
}
