import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { GalapagosError, isGalapagosError } from '../errors.js';
import { assertGenomes, type Genome } from '../genome.js';
import { builtinProblems, type ProblemRegistry } from '../problems/registry.js';
import type { Fitness } from '../problems/types.js';
import type { Cost, GenomeFailure } from '../wire.js';
import { watchChildren } from './children.js';
import { type ChunkBatch, endChunk, type Outcomes, runChunk } from './chunk-runner.js';
import { ChunkPlanner, split } from './chunking.js';
import {
  assertCost,
  type CpuCalibration,
  calibrateCpu,
  createSpinGauge,
  monotonicMs,
} from './cost.js';
import { loadProblemModules, type ProblemModule } from './problem-modules.js';
import type { CloseTask, WorkerData, WorkerResult, WorkerTask } from './worker.js';

export type { Outcomes } from './chunk-runner.js';

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
  /** Longest one genome may run, ms (default: the problem's `timeoutMs`, or 60 000). */
  readonly timeoutMs?: number | undefined;
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
  /**
   * The same, but a genome whose evaluation fails or runs past its deadline fails alone: each
   * genome's fitness (null for a failed one) and the failures, each naming its genome.
   * @throws as {@link evaluate}, except for a genome's own failure
   */
  evaluateEach(request: PoolBatch, options?: EvaluateOptions): Promise<Outcomes>;
  stats(): PoolStats;
  /** Waits for running chunks, then stops every thread. */
  close(): Promise<void>;
}

/**
 * The worker threads' entry, bundled at build time: one file loads ~10x faster than the module
 * graph, which is what a replacement thread pays after a crash or an abandoned evaluation. It
 * is CommonJS on purpose: piscina require()s it, and on Node 20 a thread terminated while
 * require() is loading an ES module aborts the whole process (a V8 assertion), which closing
 * the pool while a replacement thread starts would do.
 */
/** The error of a batch cancelled by its caller: it names the genomes that had not finished. */
function cancelled(problem: string, out: Outcomes, reason: unknown): GalapagosError {
  const failed = new Set(out.failures.map((f) => f.index));
  const ranges: string[] = [];
  for (let i = 0; i < out.fitness.length; i++) {
    if (out.fitness[i] !== null || failed.has(i)) continue;
    let j = i;
    while (j + 1 < out.fitness.length && out.fitness[j + 1] === null && !failed.has(j + 1)) j++;
    ranges.push(j === i ? `${i}` : `${i}-${j}`);
    i = j;
  }
  const unfinished = ranges.join(', ');
  return new GalapagosError(
    'GALAPAGOS_ERR_ABORTED',
    `evaluation of problem "${problem}" cancelled; genomes ${unfinished} had not finished`,
    { cause: reason, details: { problem, unfinished } },
  );
}

/** A genome's deadline for a problem of the user's that sets none, ms. */
const DEFAULT_TIMEOUT_MS = 60_000;
/**
 * Longest a cost-free batch of a shipped problem may measure to run on the calling thread
 * (a server's event loop) by default: beyond it, threads, even where they gain nothing.
 */
const INLINE_MAX_MS = 20;

export const workerFile = new URL('./worker.bundle.cjs', import.meta.url);

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
  const piscina = new Piscina<WorkerTask | CloseTask | null, WorkerResult>({
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
  const planner = new ChunkPlanner(threads, inlineMaxMs);

  /** Thread time spent on evaluations so far (see {@link PoolStats.busyMs}). */
  let busyMs = 0;
  const evaluateEach: EvaluationPool['evaluateEach'] = async (request, options = {}) => {
    const { signal, trusted = false } = options;
    // Costs count from here for every chunk that finds a thread free; a queued chunk's count
    // starts when its thread frees up (see the worker).
    const acceptedAt = monotonicMs();
    if (closed) throw new GalapagosError('GALAPAGOS_ERR_POOL_CLOSED', 'the pool is closed');
    const { instance, params } = registry.resolve(request.problem, request.params ?? {});
    if (!trusted) assertGenomes(instance.genome, request.genomes);
    if (request.cost !== undefined) assertCost(request.cost);
    const genomes = request.genomes as readonly Genome[];
    if (genomes.length === 0) return { fitness: [], failures: [] };
    const cost = request.cost && request.cost.ms > 0 ? request.cost : undefined;
    if (cost?.mode === 'cpu') calibration ??= calibrateCpu();
    const definition = registry.get(request.problem);
    const shipped = builtinProblems.includes(definition);
    const key = `${request.problem}/${instance.genome.length}`;
    // Chunks that start at once on idle threads do not wait: only the rest count against
    // the queue limit (0: never wait, but an idle pool still takes work).
    // (A lazy pool's threads not started yet start for them.)
    const free = piscina.idleThreads + (threads - piscina.threads.length);
    const whole = instance.fitnessBatch !== undefined && !cost;
    let parts = planner.chunks(key, genomes.length, instance.genome.length, !!cost, shipped);
    // A whole-chunk fitness (a batch program) pays its start-up once per chunk: a request is
    // split only over threads idle now, and goes whole when it would queue anyway.
    if (whole) parts = Math.max(1, Math.min(parts, free - piscina.queueSize));
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
    // A cheap batch of a shipped problem runs on the calling thread (see ChunkPlanner.inPlace);
    // anything costlier, costly or user-defined goes to the threads.
    if (!cost && shipped && planner.inPlace(key, genomes.length, instance.genome.length)) {
      const started = performance.now();
      const inline = genomes.map((g) => instance.fitness(g) as Fitness);
      const took = performance.now() - started;
      busyMs += took;
      options.onBusyMs?.(took);
      planner.measured(key, genomes.length, took);
      return { fitness: inline, failures: [] };
    }
    const batch: ChunkBatch = {
      piscina,
      children,
      problem: request.problem,
      params,
      cost,
      calibration: calibration ?? 0,
      spec: instance.genome,
      width: instance.objectives?.length ?? 1,
      whole,
      // Shipped problems are pure and bounded: no deadline, no progress to keep.
      deadlineMs: shipped
        ? request.timeoutMs
        : (request.timeoutMs ?? definition.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      out: { fitness: new Array<Fitness | null>(genomes.length).fill(null), failures: [] },
      running: new Set(),
      stopped: false,
      busyMs: 0,
      fitnessMs: 0,
      measuredGenomes: 0,
    };
    // A cancelled batch ends its chunks (their programs first), and so does one that failed.
    const stop = (reason: unknown) => {
      if (batch.stopped) return;
      batch.stopped = true;
      for (const chunk of batch.running) void endChunk(batch, chunk, reason);
    };
    const onAbort = () => stop(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      let offset = 0;
      await Promise.all(
        split(genomes, parts).map((chunk) => {
          const first = offset;
          offset += chunk.length;
          return runChunk(batch, chunk, first, acceptedAt).catch((error: unknown) => {
            stop(error);
            throw error;
          });
        }),
      );
      // Its programs ended, a cancelled chunk may have answered before its thread was.
      if (signal?.aborted) throw cancelled(request.problem, batch.out, signal.reason);
    } catch (error) {
      if (isGalapagosError(error)) throw error;
      if (signal?.aborted) throw cancelled(request.problem, batch.out, signal.reason);
      if (error instanceof Error && error.message === 'Task queue is at limit')
        throw new GalapagosError('GALAPAGOS_ERR_OVERLOADED', 'evaluation queue is full');
      throw new GalapagosError(
        'GALAPAGOS_ERR_EVALUATION_FAILED',
        error instanceof Error ? error.message : String(error),
        { cause: error, details: { problem: request.problem } },
      );
    } finally {
      signal?.removeEventListener('abort', onAbort);
      busyMs += batch.busyMs;
      options.onBusyMs?.(batch.busyMs);
    }
    planner.measured(key, batch.measuredGenomes, batch.fitnessMs);
    if (shipped) planner.measuredThreaded(key, genomes.length, monotonicMs() - acceptedAt);
    batch.out.failures.sort((a, b) => a.index - b.index);
    return batch.out;
  };

  const evaluate: EvaluationPool['evaluate'] = async (request, options) => {
    const { fitness, failures } = await evaluateEach(request, options);
    if (failures.length === 0) return fitness as Fitness[];
    const [failure] = failures as [GenomeFailure];
    const more = failures.length > 1 ? ` (and ${failures.length - 1} more genomes failed)` : '';
    throw new GalapagosError(failure.code, `${failure.message}${more}`, {
      details: { problem: request.problem, failures },
    });
  };

  return {
    threads,
    registry,
    evaluate,
    evaluateEach,
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
      // Each running thread closes what its problems opened (persistent programs and the
      // like) before the threads stop.
      const started = piscina.threads.length;
      const arrived = new SharedArrayBuffer(4);
      await Promise.allSettled(
        Array.from({ length: started }, () => piscina.run({ close: arrived, threads: started })),
      );
      await piscina.close();
      children.close();
    },
  };
}
