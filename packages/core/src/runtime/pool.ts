import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { GalapagosError, isGalapagosError } from '../errors.js';
import { assertGenomes, type Genome } from '../genome.js';
import { builtinProblems, type ProblemRegistry } from '../problems/registry.js';
import type { Cost } from '../wire.js';
import {
  assertCost,
  type CpuCalibration,
  calibrateCpu,
  createSpinGauge,
  monotonicMs,
} from './cost.js';
import { packGenomes } from './packing.js';
import { loadRegistry, type ProblemModule, problemModuleUrls } from './problem-modules.js';
import type { WorkerData, WorkerTask } from './worker.js';

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
}

/** A batch to evaluate: the body of `POST /v1/evaluate`. */
export interface EvaluationRequest {
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
}

export interface PoolStats {
  readonly threads: number;
  /** Threads running a chunk now. */
  readonly busy: number;
  /** Chunks waiting for a thread. */
  readonly queued: number;
  readonly maxQueue: number;
  readonly completed: number;
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
  evaluate(request: EvaluationRequest, options?: EvaluateOptions): Promise<number[]>;
  stats(): PoolStats;
  /** Waits for running chunks, then stops every thread. */
  close(): Promise<void>;
}

/** Genes below which a cost-free batch of a shipped problem is evaluated on the calling thread. */
const INLINE_GENES = 2048;
/** Genes per chunk below which a cost-free batch is not worth splitting across threads. */
const GENES_PER_CHUNK = 50_000;

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

/** Starts a pool of worker threads (all of them at once, so the first batch pays no start-up). */
export async function createEvaluationPool(
  options: EvaluationPoolOptions = {},
): Promise<EvaluationPool> {
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1)
    throw new RangeError(`threads must be a positive integer, got ${threads}`);
  const maxQueue = options.maxQueue ?? Math.max(64, threads * 16);
  const modules = options.problemModules ?? [];
  const registry = await loadRegistry(modules);
  const workerData: WorkerData = {
    problemModules: problemModuleUrls(modules),
    gauge: createSpinGauge(),
    cores: availableParallelism(),
  };
  let calibration = options.calibration;
  const piscina = new Piscina<WorkerTask | null, number[]>({
    filename: workerFile.href,
    minThreads: threads,
    maxThreads: threads,
    maxQueue,
    idleTimeout: Number.POSITIVE_INFINITY,
    niceIncrement: options.niceIncrement ?? 10,
    workerData,
  });
  // piscina reports some worker faults as 'error' events (e.g. a reply for a task that was
  // already cancelled); the affected tasks reject on their own, so these must not crash
  // the process.
  piscina.on('error', () => {});
  // Start every thread and load its problems now, so the first batch pays no start-up.
  await Promise.all(Array.from({ length: threads }, () => piscina.run(null)));
  let closed = false;

  const evaluate: EvaluationPool['evaluate'] = async (
    request,
    { signal, trusted = false } = {},
  ) => {
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
    const parts = cost
      ? Math.min(genomes.length, threads)
      : Math.max(
          1,
          Math.min(threads, Math.ceil((genomes.length * instance.genome.length) / GENES_PER_CHUNK)),
        );
    if (piscina.queueSize + parts > maxQueue)
      throw new GalapagosError(
        'GALAPAGOS_ERR_OVERLOADED',
        `evaluation queue is full (${piscina.queueSize} chunks waiting, limit ${maxQueue})`,
      );
    if (signal?.aborted)
      throw new GalapagosError('GALAPAGOS_ERR_ABORTED', 'evaluation cancelled before it started', {
        cause: signal.reason,
      });
    // A few genes of a shipped problem without cost take microseconds: a thread hop would
    // cost more than the work. Anything bigger, costly or user-defined goes to the threads.
    if (
      !cost &&
      genomes.length * instance.genome.length <= INLINE_GENES &&
      builtinProblems.includes(registry.get(request.problem))
    )
      return genomes.map((g) => instance.fitness(g));
    // One failing chunk cancels its siblings: the batch has failed anyway.
    const batch = new AbortController();
    setMaxListeners(parts + 1, batch.signal);
    const onAbort = () => batch.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const results = await Promise.all(
        split(genomes, parts).map((chunk) => {
          const packed = packGenomes(instance.genome, chunk);
          return piscina
            .run(
              {
                problem: request.problem,
                params,
                cost,
                genomes: packed,
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
            .catch((error: unknown) => {
              batch.abort(error);
              throw error;
            });
        }),
      );
      const fitness = results.flat();
      const bad = fitness.findIndex((f) => typeof f !== 'number' || !Number.isFinite(f));
      if (bad >= 0)
        throw new GalapagosError(
          'GALAPAGOS_ERR_EVALUATION_FAILED',
          `problem "${request.problem}" returned a non-finite fitness for genome ${bad}`,
        );
      return fitness;
    } catch (error) {
      if (isGalapagosError(error)) throw error;
      if (signal?.aborted)
        throw new GalapagosError('GALAPAGOS_ERR_ABORTED', 'evaluation cancelled', {
          cause: signal.reason,
        });
      if (error instanceof Error && error.message === 'Task queue is at limit')
        throw new GalapagosError('GALAPAGOS_ERR_OVERLOADED', 'evaluation queue is full');
      throw new GalapagosError(
        'GALAPAGOS_ERR_EVALUATION_FAILED',
        `evaluation of "${request.problem}" failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
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
      busy: threads - piscina.idleThreads,
      queued: piscina.queueSize,
      maxQueue,
      completed: piscina.completed,
    }),
    close: async () => {
      closed = true;
      await piscina.close();
    },
  };
}
