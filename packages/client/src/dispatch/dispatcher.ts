/**
 * Sits between the run loop and an evaluator. Each call's genomes go through the cache, are
 * cut into batches (batching.ts) and sent under congestion control (congestion.ts), each
 * batch through a chain of links: speculation (speculation.ts) → penalty isolation
 * (isolation.ts) → retry (retry.ts) → the request with its adaptive timeout (transport.ts,
 * timeout.ts). The fitness it returns is the same whatever they do, so the run's result never
 * depends on them; and none sends a genome twice except to replace a lost request, a
 * duplicate on idle capacity, or a retry the run asked for.
 */
import { setMaxListeners } from 'node:events';
import type { Fitness, Genome } from '@galapagos/core';
import type { DispatchConfig } from '../config/schema.js';
import type { Evaluator } from '../evaluators/types.js';
import { batchSize } from './batching.js';
import { FitnessCache } from './cache.js';
import { Congestion } from './congestion.js';
import { isolation } from './isolation.js';
import { retry } from './retry.js';
import { DEFAULT_SPECULATION, type SpeculationSettings, StragglerWatch } from './speculation.js';
import { AdaptiveTimeout } from './timeout.js';
import { Measures, transport } from './transport.js';
import {
  type DispatchEvents,
  type DispatchProblem,
  type DispatchStats,
  emptyStats,
  type Send,
} from './types.js';

export { isOverload } from './congestion.js';
export type { DispatchEvents, DispatchProblem, DispatchStats } from './types.js';

export class Dispatcher {
  readonly stats: DispatchStats = emptyStats();
  private readonly cache: FitnessCache;
  private readonly congestion: Congestion;
  private readonly timeout: AdaptiveTimeout;
  private readonly measures = new Measures();
  /** When stragglers get a duplicate; undefined: never. */
  private readonly speculation: SpeculationSettings | undefined;
  /** A batch's send below speculation: isolation, retry, the request. */
  private readonly send: Send;
  /** The call in progress: its genomes and the fitness come back so far. */
  private current: { genomes: readonly Genome[]; fitness: Fitness[] } | undefined;
  /** The target's worker time before this dispatcher sent anything (it may be shared). */
  private readonly busyAtStart: number;

  constructor(
    private readonly evaluator: Evaluator,
    private readonly config: DispatchConfig,
    private readonly problem: DispatchProblem,
    events: DispatchEvents = {},
  ) {
    this.cache = new FitnessCache(config.cache);
    this.congestion = new Congestion(config.concurrency);
    this.timeout = new AdaptiveTimeout(evaluator, problem, config.timeoutMs);
    this.busyAtStart = evaluator.busyMs?.() ?? 0;
    const request = transport(
      evaluator,
      problem,
      this.timeout,
      this.congestion,
      this.stats,
      this.measures,
    );
    this.send = isolation(
      problem,
      this.stats,
      events,
    )(retry(config, this.congestion, this.stats, events)(request));
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
    if (busy === undefined || this.measures.answered === 0) return undefined;
    return (busy - this.busyAtStart) / this.measures.answered;
  }

  /**
   * Whether the cache is worth its cost for the next call (see {@link FitnessCache.pays}),
   * given what a genome costs to get from the target: request wall time over the genomes
   * answered.
   */
  cachePays(): boolean {
    const { answered, requestMs } = this.measures;
    return this.cache.pays(answered === 0 ? undefined : requestMs / answered);
  }

  /** Fitness a resumed run already paid for (see {@link FitnessCache.prime}). */
  prime(pairs: readonly (readonly [Genome, Fitness])[]): void {
    this.cache.prime(pairs);
  }

  /**
   * The genomes of the call in progress (or the last one, if it failed) whose fitness came
   * back, with it: what an interrupted generation has paid for.
   */
  answered(): [Genome, Fitness][] {
    const call = this.current;
    if (!call) return [];
    const pairs: [Genome, Fitness][] = [];
    for (let i = 0; i < call.genomes.length; i++)
      if (call.fitness[i] !== undefined) pairs.push([call.genomes[i]!, call.fitness[i]!]);
    return pairs;
  }

  /** Genomes per request for `pending` genomes of about `genomeBytes` each (batching.ts). */
  batchSize(pending: number, genomeBytes: number): number {
    return batchSize(
      this.evaluator,
      this.config,
      this.problem,
      this.measuredGenomeMs(),
      pending,
      genomeBytes,
    );
  }

  /** How long a request of `genomes` genomes may go unanswered (timeout.ts). */
  requestTimeoutMs(genomes: number, timedOutBefore = 0): number {
    return this.timeout.ms(genomes, timedOutBefore);
  }

  /**
   * Whether a duplicate of `genomes` genomes finds idle capacity: the target asks for no
   * pause, a request slot is free, and (where the target says how many it runs at once) as
   * many of its threads are idle. A duplicate never waits behind work on a saturated target.
   */
  private idle(genomes: number, duplicates: number): boolean {
    const { limit } = this.congestion;
    const { capacity } = this.evaluator;
    return (
      this.congestion.calm() &&
      limit.pendingCount === 0 &&
      limit.activeCount + duplicates < limit.concurrency &&
      (capacity === undefined || this.measures.inFlight + genomes <= capacity)
    );
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
    this.current = { genomes, fitness };
    const lookup = this.cache.lookup(genomes, fitness, this.cachePays());
    const { unique, at, copies } = lookup;
    this.stats.requested += genomes.length;
    this.stats.cacheHits += lookup.hits;
    this.stats.distinct += unique.length;
    let done = lookup.known;
    options.onProgress?.(done, genomes.length);
    if (unique.length === 0) {
      this.current = undefined;
      return fitness;
    }

    const size = this.batchSize(unique.length, JSON.stringify(unique[0]!).length);
    const batches: number[] = [];
    for (let from = 0; from < unique.length; from += size) batches.push(from);

    const failed = new AbortController();
    const signal = options.signal
      ? AbortSignal.any([options.signal, failed.signal])
      : failed.signal;
    // Every request in flight listens to it (and removes its listener when done).
    setMaxListeners(0, signal);
    // Stragglers of this generation get a duplicate on idle capacity (see speculation.ts).
    const watch: StragglerWatch | undefined = this.speculation
      ? new StragglerWatch(this.speculation, (n): boolean => this.idle(n, watch?.inFlight ?? 0), {
          onDuplicate: (n) => {
            this.stats.speculated++;
            this.stats.duplicates.speculation += n;
          },
          onDuplicateWon: () => this.stats.speculationWins++,
        })
      : undefined;
    const send: Send = watch
      ? (batch, s) => watch.run((attempt) => this.send(batch, attempt), s, batch.length)
      : this.send;
    try {
      await Promise.all(
        batches.map((from) =>
          this.congestion
            .limit(async () => {
              const to = Math.min(unique.length, from + size);
              const batch = to - from === unique.length ? unique : unique.slice(from, to);
              const values = await send(batch, signal);
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
            })
            .catch((error: unknown) => {
              failed.abort(error);
              throw error;
            }),
        ),
      );
    } catch (error) {
      throw options.signal?.aborted ? (options.signal.reason ?? error) : error;
    }
    this.current = undefined;
    return fitness;
  }
}
