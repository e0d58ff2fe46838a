import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cost, Fitness, Genome } from '@galapagos/core';
import { maxGenomeCostMs, meanGenomeCostMs } from '@galapagos/core/runtime';
import pLimit from 'p-limit';
import pRetry from 'p-retry';
import type { DispatchConfig } from './config/schema.js';
import { EvaluationError } from './errors.js';
import type { Evaluator } from './evaluators/types.js';
import { FitnessCache } from './fitness-cache.js';
import { DEFAULT_SPECULATION, type SpeculationSettings, StragglerWatch } from './speculation.js';

/** What the dispatcher did, for the run summary. */
export interface DispatchStats {
  /** Requests sent, retries included. */
  requests: number;
  /** Requests sent again after a retryable failure or a timeout. */
  retries: number;
  /** Of the retries: requests that timed out and were dispatched again. */
  timeouts: number;
  /** Genomes whose fitness came from the cache (earlier generations or duplicates). */
  cacheHits: number;
  /** Genomes actually sent for evaluation. */
  evaluationsSent: number;
  /** Genomes given the penalty fitness because their evaluation failed. */
  penalised: number;
  /** Duplicates sent for straggling batches (speculative re-dispatch). */
  speculated: number;
  /** Of them: duplicates that answered first. */
  speculationWins: number;
}

export interface DispatchProblem {
  readonly problem: string;
  readonly params: Record<string, unknown>;
  readonly cost?: Cost | undefined;
  /**
   * Fitness for a genome whose evaluation fails (`run.onError.penalty`); without it such a
   * failure fails the run.
   */
  readonly penalty?: number;
  /** The run's fingerprint of the problem, sent with each batch to targets that check it. */
  readonly fingerprint?: string | undefined;
  /**
   * A shipped problem: its fitness takes microseconds, so without a simulated cost `auto`
   * batches it as cheap from the first call instead of waiting for a measurement.
   */
  readonly shipped?: boolean;
}

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

/** What the dispatcher reports as it goes (the CLI prints it). */
export interface DispatchEvents {
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

/** Longest a server's Retry-After is honoured for, so a bad header cannot stall a run. */
const MAX_RETRY_AFTER_MS = 60_000;
/** The shortest wait for a reply the dispatcher derives (cold starts, a loaded machine). */
const MIN_TIMEOUT_MS = 10_000;
/** Bytes of an evaluate request besides its genomes. */
const ENVELOPE_BYTES = 1024;
/**
 * Measured work (worker time) each request of an `auto` batch carries at least, ms: a request
 * costs the client and the target a fraction of a millisecond of CPU, so work smaller than
 * this goes out whole (or in as few requests as the target's limits allow).
 */
const REQUEST_WORK_MS = 2;

/**
 * Sits between the run loop and an evaluator: batches, bounds concurrency, retries, times
 * out and re-dispatches, caches. The fitness it returns is the same whatever it does, so the
 * run's result never depends on it.
 */
export class Dispatcher {
  readonly stats: DispatchStats = {
    requests: 0,
    retries: 0,
    timeouts: 0,
    cacheHits: 0,
    evaluationsSent: 0,
    penalised: 0,
    speculated: 0,
    speculationWins: 0,
  };
  private readonly cache: FitnessCache;
  /** The longest any request has taken to answer so far, ms (see requestTimeoutMs). */
  private slowestReplyMs = 0;
  private readonly limit: ReturnType<typeof pLimit>;
  /** Until then the target has asked for no more work (overload): no duplicates. */
  private quietUntil = 0;
  /** When stragglers get a duplicate; undefined: never. */
  private readonly speculation: SpeculationSettings | undefined;
  /** Genomes whose replies came back (the measure of {@link measuredGenomeMs}). */
  private answered = 0;
  /** Wall time of the requests that were answered, summed, ms. */
  private requestMs = 0;
  /** The target's worker time before this dispatcher sent anything (it may be shared). */
  private readonly busyAtStart: number;

  constructor(
    private readonly evaluator: Evaluator,
    private readonly config: DispatchConfig,
    private readonly problem: DispatchProblem,
    private readonly events: DispatchEvents = {},
  ) {
    this.limit = pLimit(config.concurrency);
    this.cache = new FitnessCache(config.cache);
    this.busyAtStart = evaluator.busyMs?.() ?? 0;
    // By default only where a duplicate can land elsewhere (another server, instance, worker).
    const speculate = config.speculate ?? evaluator.remote === true;
    this.speculation =
      speculate === false
        ? undefined
        : { ...DEFAULT_SPECULATION, ...(typeof speculate === 'object' ? speculate : {}) };
  }

  /**
   * The target's measured worker time per genome so far, ms (what its replies report over the
   * genomes answered); undefined before any reply, or where the target reports none.
   */
  measuredGenomeMs(): number | undefined {
    const busy = this.evaluator.busyMs?.();
    if (busy === undefined || this.answered === 0) return undefined;
    return (busy - this.busyAtStart) / this.answered;
  }

  /**
   * Whether the cache is worth its cost for the next call (see {@link FitnessCache.pays}),
   * given what a genome costs to get from the target: request wall time over the genomes
   * answered.
   */
  cachePays(): boolean {
    return this.cache.pays(this.answered === 0 ? undefined : this.requestMs / this.answered);
  }

  /**
   * Genomes per request for `pending` genomes of about `genomeBytes` each. `auto` makes one
   * batch per request slot: `concurrency`, or fewer when the target says it runs fewer
   * evaluations at once (more, smaller requests would only queue there and cost overhead).
   * With a simulated cost and a known capacity, each genome holds a thread for a while: then
   * `auto` sends each server one request per wave of its threads, which it spreads over them
   * itself, so that a wave starts at once instead of one request at a time. Once replies
   * have measured the fitness cheap, the batch goes in as few requests as carry
   * {@link REQUEST_WORK_MS} of work each (one, for a microsecond fitness): more requests would
   * cost more than the work they spread.
   */
  batchSize(pending: number, genomeBytes: number): number {
    const { capacity, servers = 1 } = this.evaluator;
    const costly = (this.problem.cost?.ms ?? 0) > 0;
    const slots = Math.max(
      1,
      Math.min(this.config.concurrency, capacity ?? Number.POSITIVE_INFINITY),
    );
    const genomeMs = costly
      ? undefined
      : (this.measuredGenomeMs() ?? (this.problem.shipped ? 0 : undefined));
    let wanted: number;
    if (this.config.batchSize !== 'auto') wanted = this.config.batchSize;
    else if (costly && capacity !== undefined)
      wanted = Math.ceil(Math.min(pending, capacity) / servers);
    else if (genomeMs !== undefined)
      wanted = Math.ceil(
        pending / Math.max(1, Math.min(slots, Math.floor((pending * genomeMs) / REQUEST_WORK_MS))),
      );
    else wanted = Math.ceil(pending / slots);
    const fits = Math.max(
      1,
      Math.floor((this.evaluator.maxBatchBytes - ENVELOPE_BYTES) / (genomeBytes + 1)),
    );
    // The target's limits: genomes per request, and cost × genomes per request.
    const costMs = this.problem.cost ? meanGenomeCostMs(this.problem.cost) : 0;
    const byCost =
      costMs > 0 && this.evaluator.maxCostTotalMs !== undefined
        ? Math.floor(this.evaluator.maxCostTotalMs / costMs)
        : Number.POSITIVE_INFINITY;
    const cap = Math.min(this.evaluator.maxBatchGenomes ?? Number.POSITIVE_INFINITY, byCost);
    return Math.max(1, Math.min(wanted, fits, cap));
  }

  /** One fitness per genome, in order. */
  async evaluate(
    genomes: readonly Genome[],
    options: {
      signal?: AbortSignal | undefined;
      onProgress?: (done: number, total: number) => void;
    } = {},
  ): Promise<Fitness[]> {
    const fitness = new Array<Fitness>(genomes.length);
    const lookup = this.cache.lookup(genomes, fitness, this.cachePays());
    const { unique, at, copies } = lookup;
    this.stats.cacheHits += lookup.hits;
    let done = lookup.known;
    options.onProgress?.(done, genomes.length);
    if (unique.length === 0) return fitness;

    const size = this.batchSize(unique.length, JSON.stringify(unique[0]!).length);
    const batches: number[] = [];
    for (let from = 0; from < unique.length; from += size) batches.push(from);

    const failed = new AbortController();
    const signal = options.signal
      ? AbortSignal.any([options.signal, failed.signal])
      : failed.signal;
    // Every request in flight listens to it (and removes its listener when done).
    setMaxListeners(0, signal);
    // Stragglers of this generation get a duplicate on a free slot (see speculation.ts).
    const watch: StragglerWatch | undefined = this.speculation
      ? new StragglerWatch(
          this.speculation,
          // Not while the target says it is full or asks to wait (throttling, Retry-After).
          (): boolean =>
            performance.now() >= this.quietUntil &&
            this.limit.concurrency >= this.config.concurrency &&
            this.limit.pendingCount === 0 &&
            this.limit.activeCount + (watch?.inFlight ?? 0) < this.limit.concurrency,
          {
            onDuplicate: () => this.stats.speculated++,
            onDuplicateWon: () => this.stats.speculationWins++,
          },
        )
      : undefined;
    try {
      await Promise.all(
        batches.map((from) =>
          this.limit(async () => {
            const to = Math.min(unique.length, from + size);
            const batch = to - from === unique.length ? unique : unique.slice(from, to);
            const send = (s: AbortSignal) => this.sendOrPenalise(batch, s);
            const values = await (watch ? watch.run(send, signal) : send(signal));
            this.cache.store(lookup, from, values);
            for (let j = 0; j < values.length; j++) {
              const k = from + j;
              const f = values[j]!;
              fitness[at ? at[k]! : k] = f;
              done++;
              const more = copies?.get(k);
              if (more) {
                for (const i of more) fitness[i] = f;
                done += more.length;
              }
            }
            options.onProgress?.(done, genomes.length);
          }).catch((error: unknown) => {
            failed.abort(error);
            throw error;
          }),
        ),
      );
    } catch (error) {
      throw options.signal?.aborted ? (options.signal.reason ?? error) : error;
    }
    return fitness;
  }

  /**
   * One batch; with a penalty, a batch whose fitness failed is halved until the failing
   * genomes are found, and those get the penalty (fitness is pure, so the others' values are
   * what they would have been).
   */
  private async sendOrPenalise(
    genomes: readonly Genome[],
    signal: AbortSignal,
  ): Promise<Fitness[]> {
    try {
      return await this.send(genomes, signal);
    } catch (error) {
      const { penalty } = this.problem;
      if (
        penalty === undefined ||
        signal.aborted ||
        !(error instanceof EvaluationError && error.code === 'GALAPAGOS_ERR_EVALUATION_FAILED')
      )
        throw error;
      if (genomes.length === 1) {
        this.stats.penalised++;
        return [penalty];
      }
      const half = Math.ceil(genomes.length / 2);
      const [a, b] = await Promise.all([
        this.sendOrPenalise(genomes.slice(0, half), signal),
        this.sendOrPenalise(genomes.slice(half), signal),
      ]);
      return [...a, ...b];
    }
  }

  /**
   * How long a request may go unanswered: 4 × its expected time (from the simulated cost and
   * the target's threads, or the slowest reply so far), at least 10 s, doubled for each time
   * this batch already timed out once the target has answered anything, and never more than
   * `dispatch.timeoutMs`. A target that
   * stalls is noticed in seconds rather than minutes; a fitness slower than it seemed only
   * costs a re-dispatch or two.
   */
  requestTimeoutMs(genomes: number, timedOutBefore = 0): number {
    const { capacity, servers = 1 } = this.evaluator;
    // The costliest genome sets the deadline (uneven costs are heavy-tailed).
    const costMs = this.problem.cost ? maxGenomeCostMs(this.problem.cost) : 0;
    const perServer = capacity === undefined ? 1 : Math.max(1, Math.floor(capacity / servers));
    const expected = Math.max(
      costMs > 0 ? costMs * Math.ceil(genomes / perServer) : 0,
      this.slowestReplyMs,
    );
    if (expected === 0) return this.config.timeoutMs;
    // Doubling protects a slow fitness on a target that has answered before; one that never
    // has is probably stalled, and is given up on sooner.
    const growth = this.slowestReplyMs > 0 ? 2 ** timedOutBefore : 1;
    const derived = Math.max(MIN_TIMEOUT_MS, 4 * expected) * growth;
    return Math.min(this.config.timeoutMs, derived);
  }

  /** One batch, with a timeout per request and retries with jittered exponential backoff. */
  private send(genomes: readonly Genome[], signal: AbortSignal): Promise<Fitness[]> {
    const { problem, params, cost } = this.problem;
    // Nothing downstream changes the genomes (the wire form is read-only).
    const request = {
      problem,
      params,
      ...(cost && cost.ms > 0 ? { cost } : {}),
      genomes: genomes as Genome[],
    };
    let timeouts = 0;
    return pRetry(
      async () => {
        signal.throwIfAborted();
        this.stats.requests++;
        this.stats.evaluationsSent += genomes.length;
        const timeoutMs = this.requestTimeoutMs(genomes.length, timeouts);
        // One controller and one timer per attempt: AbortSignal.any/timeout cost far more
        // per request (and load the garbage collector) with many small requests in flight.
        const attempt = new AbortController();
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          attempt.abort();
        }, timeoutMs);
        const onAbort = () => attempt.abort(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        const started = performance.now();
        try {
          const values = await this.evaluator.evaluate(request, {
            signal: attempt.signal,
            fingerprint: this.problem.fingerprint,
          });
          const tookMs = performance.now() - started;
          this.slowestReplyMs = Math.max(this.slowestReplyMs, tookMs);
          this.answered += genomes.length;
          this.requestMs += tookMs;
          // Additive increase: back towards the configured concurrency after an overload.
          if (this.limit.concurrency < this.config.concurrency) this.limit.concurrency += 1;
          return values;
        } catch (error) {
          if (timedOut && !signal.aborted) {
            this.stats.timeouts++;
            timeouts++;
            throw new EvaluationError(
              'GALAPAGOS_ERR_REQUEST_TIMEOUT',
              `no reply within ${Math.round(timeoutMs)} ms${timeoutMs < this.config.timeoutMs ? ` (4 × the expected time; the wait doubles on each timeout, up to dispatch.timeoutMs ${this.config.timeoutMs} ms)` : ' (dispatch.timeoutMs)'}`,
              { retryable: true },
            );
          }
          throw error;
        } finally {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
        }
      },
      {
        retries: this.config.retries,
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
          // Multiplicative decrease: halve the requests in flight while the target is full.
          if (overload) {
            this.limit.concurrency = Math.max(1, Math.floor(this.limit.concurrency / 2));
            this.quietUntil = Math.max(
              this.quietUntil,
              performance.now() + Math.min(error.retryAfterMs ?? 1000, MAX_RETRY_AFTER_MS),
            );
          }
          this.stats.retries++;
          this.events.onRetry?.({
            error,
            genomes: genomes.length,
            attempt: attemptNumber,
            retriesLeft: overload ? retriesLeft : retriesLeft - 1,
            overload,
            concurrency: this.limit.concurrency,
          });
          if (error.retryAfterMs !== undefined)
            await sleep(Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS), undefined, { signal });
        },
      },
    );
  }
}
