import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { GalapagosError, isGalapagosError } from '../errors.js';
import { assertGenomes, type Genome } from '../genome.js';
import { builtinProblems, type ProblemRegistry } from '../problems/registry.js';
import type { Fitness } from '../problems/types.js';
import type { Cost } from '../wire.js';
import { watchChildren } from './children.js';
import {
  assertCost,
  type CpuCalibration,
  calibrateCpu,
  createSpinGauge,
  monotonicMs,
} from './cost.js';
import { packGenomes } from './packing.js';
import { loadProblemModules, type ProblemModule } from './problem-modules.js';
import type { WorkerData, WorkerResult, WorkerTask } from './worker.js';

export interface EvaluationPoolOptions {
  /** Worker threads; default: the available parallelism. Raise it for `sleep`/`busy` costs. */
  readonly threads?: number;
  /** Chunks allowed to wait for a thread before {@link EvaluationPool.evaluate} refuses work. */
  readonly maxQueue?: number;
  /** Extra problems, as modules exporting `problems` (loaded in every thread too). */
  readonly problemModules?: readonly ProblemModule[];
  /**
   * Work per ms for `cpu` cost. Default: measured on the main thread at the first request with
   * a `cpu` cost, so pools that never see one (and cold starts) do not pay for measuring.
   */
  readonly calibration?: CpuCalibration;
  /**
   * How much lower than the calling thread the worker threads run (Unix nice increment, 0-19;
   * default 10), so that a pool saturating every core never delays the thread that accepts
   * requests, answers health checks and hands out the next batch.
   */
  readonly niceIncrement?: number;
  /**
   * Heap limit of each worker thread, MiB (default: Node's). A fitness that exhausts it fails
   * its evaluation; the thread is replaced and the process stays up.
   */
  readonly threadMemoryMb?: number;
  /**
   * Start threads when work first needs them instead of all before the pool is ready: for
   * cold starts (a Lambda or Azure function instance), where the first request should not
   * wait for threads it may never use (a cheap batch of a shipped problem runs in place).
   */
  readonly lazy?: boolean;
  /**
   * Longest a cost-free batch of a shipped problem may measure to run on the calling thread,
   * when the threads are no faster (default 20 ms: a server's event loop answers other
   * requests meanwhile). A program evaluating its own batches (the embedded target) can allow
   * more.
   */
  readonly inlineMaxMs?: number;
}

/** A batch for the pool: an evaluate request (wire `EvaluateRequest`) whose genomes are not checked yet. */
export interface PoolBatch {
  readonly problem: string;
  readonly params?: Record<string, unknown> | undefined;
  readonly cost?: Cost | undefined;
  readonly genomes: readonly unknown[];
}

export interface EvaluateOptions {
  readonly signal?: AbortSignal;
  /**
   * The genomes come from this process's own engine, so they are valid by construction and
   * are not checked again. Never set it for genomes received from outside.
   */
  readonly trusted?: boolean;
  /** Told the thread time this request took (costs and fitness, all its chunks), ms. */
  readonly onBusyMs?: (ms: number) => void;
}

export interface PoolStats {
  readonly threads: number;
  /** Threads running now (fewer than `threads` while a lazy pool has not needed them all). */
  readonly started: number;
  /** Threads running a chunk now. */
  readonly busy: number;
  /** Chunks waiting for a thread. */
  readonly queued: number;
  readonly maxQueue: number;
  readonly completed: number;
  /** Thread time spent on evaluations since the pool started (costs and fitness), ms. */
  readonly busyMs: number;
}

/** Evaluates batches of genomes on worker threads, one genome per thread at a time. */
export interface EvaluationPool {
  readonly threads: number;
  readonly registry: ProblemRegistry;
  /**
   * Validates the request and returns one fitness per genome, same order.
   * @throws GalapagosError `GALAPAGOS_ERR_UNKNOWN_PROBLEM`, `…_INVALID_PARAMS`,
   *   `…_INVALID_GENOME`, `…_INVALID_COST`, `…_OVERLOADED`, `…_ABORTED`,
   *   `…_EVALUATION_FAILED`, `…_POOL_CLOSED`
   */
  evaluate(request: PoolBatch, options?: EvaluateOptions): Promise<Fitness[]>;
  stats(): PoolStats;
  /** Waits for running chunks, then stops every thread. */
  close(): Promise<void>;
}

/**
 * Genes below which a cost-free batch of a shipped problem never measured yet is evaluated on
 * the calling thread (once measured, its measured time decides: see {@link CHUNK_MS}).
 */
const INLINE_GENES = 2048;
/** Genes per chunk below which a cost-free batch is not worth splitting across threads. */
const GENES_PER_CHUNK = 50_000;
/** Genes a chunk carries at most, whatever the threads: a thread's memory for one chunk. */
const MAX_GENES_PER_CHUNK = 5_000_000;
/** Measured fitness time per chunk below which splitting further costs more than it saves. */
const CHUNK_MS = 2;
/**
 * Longest a cost-free batch of a shipped problem may measure to run on the calling thread
 * (a server's event loop) by default: beyond it, threads, even where they gain nothing.
 */
const INLINE_MAX_MS = 20;
/** Weight of the newest measurement in a problem's running mean of fitness time per genome. */
const MEASURE_WEIGHT = 0.3;
/** Genomes in a batch whose measurement replaces the running mean outright. */
const MEASURE_GENOMES = 256;

/** Splits `items` into `parts` contiguous chunks of near-equal size. */
function split<T>(items: readonly T[], parts: number): T[][] {
  const chunks: T[][] = [];
  const base = Math.floor(items.length / parts);
  const extra = items.length % parts;
  let at = 0;
  for (let i = 0; i < parts; i++) {
    const size = base + (i < extra ? 1 : 0);
    chunks.push(items.slice(at, at + size));
    at += size;
  }
  return chunks;
}

/**
 * The worker threads' entry, bundled at build time: one file loads ~10x faster than the module
 * graph, which is what a replacement thread pays after a crash or an abandoned evaluation. It
 * is CommonJS on purpose: piscina require()s it, and on Node 20 a thread terminated while
 * require() is loading an ES module aborts the whole process (a V8 assertion), which closing
 * the pool while a replacement thread starts would do.
 */
export const workerFile = new URL('./worker.bundle.cjs', import.meta.url);

/**
 * What a chunk's failure means for the user: errors thrown by the fitness already name the
 * problem and the genome; a thread that died (process.exit, out of memory) names the chunk.
 */
function describeFailure(error: unknown, problem: string, first: number, count: number): unknown {
  if (!(error instanceof Error) || isGalapagosError(error) || error.name === 'AbortError')
    return error;
  if (error.message.startsWith(`problem "${problem}", genome `)) return error;
  if (error.message === 'Task queue is at limit') return error;
  const genomes = count === 1 ? `genome ${first}` : `genomes ${first}-${first + count - 1}`;
  const code = (error as { code?: string }).code;
  const why =
    code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? "the fitness exhausted its worker thread's memory"
      : `its worker thread died (${error.message})`;
  return new Error(`problem "${problem}", ${genomes}: ${why}; the thread was replaced`, {
    cause: error,
  });
}

/**
 * Starts a pool of worker threads (all of them at once, so the first batch pays no start-up;
 * with `lazy`, as work first needs them).
 */
export async function createEvaluationPool(
  options: EvaluationPoolOptions = {},
): Promise<EvaluationPool> {
  const threads = options.threads ?? availableParallelism();
  const inlineMaxMs = options.inlineMaxMs ?? INLINE_MAX_MS;
  if (!Number.isInteger(threads) || threads < 1)
    throw new RangeError(`threads must be a positive integer, got ${threads}`);
  const maxQueue = options.maxQueue ?? Math.max(64, threads * 16);
  const { registry, bundles } = await loadProblemModules(options.problemModules ?? []);
  const workerData: WorkerData = {
    problemModules: bundles.map((b) => b.file),
    gauge: createSpinGauge(),
    cores: availableParallelism(),
  };
  let calibration = options.calibration;
  const piscina = new Piscina<WorkerTask | null, WorkerResult>({
    filename: workerFile.href,
    minThreads: options.lazy ? 0 : threads,
    maxThreads: threads,
    maxQueue,
    idleTimeout: Number.POSITIVE_INFINITY,
    niceIncrement: options.niceIncrement ?? 10,
    workerData,
    ...(options.threadMemoryMb
      ? { resourceLimits: { maxOldGenerationSizeMb: options.threadMemoryMb } }
      : {}),
  });
  // External programs started by a thread the pool lost (abandoned work, a crash) end with it.
  // (piscina 5 never emits its workerDestroy event, so each thread's own exit is watched.)
  const children = watchChildren();
  const watched = new WeakSet<object>();
  const watchThreads = () => {
    for (const thread of piscina.threads) {
      if (watched.has(thread)) continue;
      watched.add(thread);
      const id = thread.threadId;
      thread.once('exit', () => children.killChildrenOf(id));
    }
  };
  piscina.on('workerCreate', watchThreads);
  // piscina reports some worker faults as 'error' events (e.g. a reply for a task that was
  // already cancelled); the affected tasks reject on their own, so these must not crash
  // the process.
  piscina.on('error', () => {});
  // Start every thread and load its problems now, so the first batch pays no start-up.
  if (!options.lazy) await Promise.all(Array.from({ length: threads }, () => piscina.run(null)));
  watchThreads();
  let closed = false;
  /**
   * Measured fitness time per genome, ms, by problem and genome length (`onemax/100`):
   * cost-free batches are chunked by it.
   */
  const perGenomeMs = new Map<string, number>();
  /** The same, for the wall time of a cost-free batch sent to the threads (the hop counted). */
  const threadedGenomeMs = new Map<string, number>();
  const measure = (into: Map<string, number>, key: string, genomes: number, ms: number) => {
    if (genomes === 0) return;
    const sample = ms / genomes;
    const before = into.get(key);
    // A big batch is a better measure than a genome or two timed on cold code.
    const weight = Math.min(1, Math.max(MEASURE_WEIGHT, genomes / MEASURE_GENOMES));
    into.set(key, before === undefined ? sample : before + weight * (sample - before));
  };
  const measured = (key: string, genomes: number, ms: number) =>
    measure(perGenomeMs, key, genomes, ms);
  /**
   * Whether a cost-free batch of a shipped problem runs on the calling thread: before it is
   * measured, when it has few genes; then when its fitness measures under one chunk's worth
   * of time (a single chunk on a thread is the same work plus the hop), or under
   * {@link INLINE_MAX_MS} and no slower than the threads measured it, hop included.
   */
  const inPlace = (key: string, count: number, genes: number) => {
    const perGenome = perGenomeMs.get(key);
    if (perGenome === undefined) return count * genes <= INLINE_GENES;
    const work = count * perGenome;
    if (work <= CHUNK_MS) return true;
    const threaded = threadedGenomeMs.get(key);
    return work <= inlineMaxMs && threaded !== undefined && perGenome <= threaded;
  };
  /**
   * Chunks for a batch. With a cost or a costly fitness, every thread gets a share; a cheap
   * fitness goes in few chunks (a thread hop costs more than the work). A problem never
   * measured yet is assumed costly unless it is a shipped one.
   */
  const chunksFor = (problem: string, count: number, genes: number, cost: boolean) => {
    if (cost) return Math.min(count, threads);
    const perGenome =
      perGenomeMs.get(`${problem}/${genes}`) ??
      (builtinProblems.includes(registry.get(problem)) ? 0 : Number.POSITIVE_INFINITY);
    const byGenes = Math.ceil((count * genes) / GENES_PER_CHUNK);
    const byTime = Math.ceil((count * perGenome) / CHUNK_MS);
    // Past a few million genes, more chunks than threads (they queue): a thread then holds
    // one chunk's genomes at a time, not a whole huge batch's.
    const bySize = Math.ceil((count * genes) / MAX_GENES_PER_CHUNK);
    return Math.max(
      1,
      Math.min(count, Math.max(Math.min(threads, Math.max(byGenes, byTime)), bySize)),
    );
  };

  /** Thread time spent on evaluations so far (see {@link PoolStats.busyMs}). */
  let busyMs = 0;
  const evaluate: EvaluationPool['evaluate'] = async (request, options = {}) => {
    const { signal, trusted = false } = options;
    // Costs count from here for every chunk that finds a thread free; a queued chunk's count
    // starts when its thread frees up (see the worker).
    const acceptedAt = monotonicMs();
    if (closed) throw new GalapagosError('GALAPAGOS_ERR_POOL_CLOSED', 'the pool is closed');
    const { instance, params } = registry.resolve(request.problem, request.params ?? {});
    if (!trusted) assertGenomes(instance.genome, request.genomes);
    if (request.cost !== undefined) assertCost(request.cost);
    const genomes = request.genomes as readonly Genome[];
    if (genomes.length === 0) return [];
    const cost = request.cost && request.cost.ms > 0 ? request.cost : undefined;
    if (cost?.mode === 'cpu') calibration ??= calibrateCpu();
    const parts = chunksFor(request.problem, genomes.length, instance.genome.length, !!cost);
    // Chunks that start at once on idle threads do not wait: only the rest count against
    // the queue limit (0: never wait, but an idle pool still takes work).
    // (A lazy pool's threads not started yet start for them.)
    const free = piscina.idleThreads + (threads - piscina.threads.length);
    const waiting = Math.max(0, piscina.queueSize + parts - free);
    if (waiting > maxQueue)
      throw new GalapagosError(
        'GALAPAGOS_ERR_OVERLOADED',
        `evaluation queue is full (${piscina.queueSize} chunks waiting, ${parts} more asked for, ${piscina.idleThreads} threads idle, limit ${maxQueue})`,
      );
    if (signal?.aborted)
      throw new GalapagosError('GALAPAGOS_ERR_ABORTED', 'evaluation cancelled before it started', {
        cause: signal.reason,
      });
    // A cheap batch of a shipped problem runs on the calling thread (see inPlace); anything
    // costlier, costly or user-defined goes to the threads.
    const key = `${request.problem}/${instance.genome.length}`;
    const shipped = !cost && builtinProblems.includes(registry.get(request.problem));
    if (shipped && inPlace(key, genomes.length, instance.genome.length)) {
      const started = performance.now();
      const inline = genomes.map((g) => instance.fitness(g) as Fitness);
      const took = performance.now() - started;
      busyMs += took;
      options.onBusyMs?.(took);
      measured(key, genomes.length, took);
      return inline;
    }
    // Chunks not finished yet, by their first genome: an abandoned evaluation names them.
    const unfinished = new Map<number, number>();
    // One failing chunk cancels its siblings: the batch has failed anyway.
    const batch = new AbortController();
    setMaxListeners(parts + 1, batch.signal);
    const onAbort = () => batch.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      let offset = 0;
      const results = await Promise.all(
        split(genomes, parts).map((chunk) => {
          const packed = packGenomes(instance.genome, chunk);
          const first = offset;
          offset += chunk.length;
          unfinished.set(first, chunk.length);
          return piscina
            .run(
              {
                problem: request.problem,
                params,
                cost,
                genomes: packed,
                offset: first,
                calibration: calibration ?? 0,
                postedAt: acceptedAt,
              },
              {
                signal: batch.signal,
                ...(packed.kind === 'numbers'
                  ? { transferList: [packed.data.buffer as ArrayBuffer] }
                  : {}),
              },
            )
            .then(
              (result) => {
                unfinished.delete(first);
                return result;
              },
              (error: unknown) => {
                batch.abort(error);
                throw describeFailure(error, request.problem, first, chunk.length);
              },
            );
        }),
      );
      let fitnessMs = 0;
      let requestBusyMs = 0;
      for (const r of results) {
        fitnessMs += r.fitnessMs;
        requestBusyMs += r.busyMs;
      }
      busyMs += requestBusyMs;
      options.onBusyMs?.(requestBusyMs);
      measured(key, genomes.length, fitnessMs);
      if (shipped) measure(threadedGenomeMs, key, genomes.length, monotonicMs() - acceptedAt);
      return results.flatMap((r) => r.fitness);
    } catch (error) {
      if (isGalapagosError(error)) throw error;
      if (signal?.aborted) {
        const running = [...unfinished]
          .map(([first, count]) => (count === 1 ? `${first}` : `${first}-${first + count - 1}`))
          .join(', ');
        throw new GalapagosError(
          'GALAPAGOS_ERR_ABORTED',
          `evaluation of problem "${request.problem}" cancelled; genomes ${running} had not finished`,
          { cause: signal.reason, details: { problem: request.problem, unfinished: running } },
        );
      }
      if (error instanceof Error && error.message === 'Task queue is at limit')
        throw new GalapagosError('GALAPAGOS_ERR_OVERLOADED', 'evaluation queue is full');
      throw new GalapagosError(
        'GALAPAGOS_ERR_EVALUATION_FAILED',
        error instanceof Error ? error.message : String(error),
        { cause: error, details: { problem: request.problem } },
      );
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  };

  return {
    threads,
    registry,
    evaluate,
    stats: () => ({
      threads,
      started: piscina.threads.length,
      busy: piscina.threads.length - piscina.idleThreads,
      queued: piscina.queueSize,
      maxQueue,
      completed: piscina.completed,
      busyMs,
    }),
    close: async () => {
      closed = true;
      await piscina.close();
      children.close();
    },
  };
}
