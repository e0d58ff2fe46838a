/**
 * Worker-thread entry of the evaluation pool: evaluates one chunk of genomes, one genome at
 * a time, paying each genome's cost before computing its fitness. Costs block the thread
 * (it has nothing else to do meanwhile), which keeps their timing to the microsecond.
 */
import { threadId, workerData } from 'node:worker_threads';
import { type Genome, genomeKey, renderGenome } from '../genome.js';
import { builtinProblems, createRegistry, type ProblemRegistry } from '../problems/registry.js';
import type { Fitness } from '../problems/types.js';
import type { Cost } from '../wire.js';
import { trackChildProcesses } from './children.js';
import {
  type CpuCalibration,
  genomeCostMs,
  monotonicMs,
  payCostFrom,
  type SpinGauge,
} from './cost.js';
import { importBundles } from './import-bundles.js';
import { type PackedGenomes, packedCount, unpackGenome } from './packing.js';
import { ChunkProgress } from './progress.js';

/** What the pool sends each worker for one chunk. Inputs are validated before they get here. */
export interface WorkerTask {
  readonly problem: string;
  readonly params: Record<string, unknown>;
  readonly cost: Cost | undefined;
  readonly genomes: PackedGenomes;
  /** Index of the chunk's first genome in its request, for error messages. */
  readonly offset: number;
  /** Work per ms for `cpu` cost (measured once by the pool, on its first `cpu` request). */
  readonly calibration: CpuCalibration;
  /** When the pool handed the chunk over ({@link monotonicMs}): costs count from then. */
  readonly postedAt: number;
  /**
   * Where the thread shows its progress, for a pool that may have to end it mid-chunk (a
   * deadline, a thread that dies): see {@link ChunkProgress}. Without it, a failing genome
   * still ends the chunk.
   */
  readonly progress?: SharedArrayBuffer;
}

/**
 * The pool shutting down: each thread closes the instances it opened (`close()`), then waits
 * at `barrier` until every thread has one of these tasks, so that each gets exactly one.
 */
export interface CloseTask {
  readonly close: SharedArrayBuffer;
  readonly threads: number;
}

/** A chunk's outcome, and how long computing it took (the pool sizes chunks by it). */
export interface WorkerResult {
  /**
   * Fitness of the chunk's first genomes, in order: all of them, or those before the first
   * failure (a genome failing in `fitness` ends the chunk; the pool sends the rest again).
   * `null` where `failures` names the genome.
   */
  readonly fitness: (Fitness | null)[];
  /** Genomes whose fitness failed: index in the chunk, and why. */
  readonly failures: readonly { readonly index: number; readonly message: string }[];
  /** Time spent in the fitness function, costs excluded, ms. */
  readonly fitnessMs: number;
  /** Time the thread was occupied by the chunk (costs and fitness), ms. */
  readonly busyMs: number;
}

export interface WorkerData {
  /** Problem bundles (already built by the pool) to import. */
  readonly problemModules: readonly string[];
  /** Spinning threads of the pool (see `busyUntil`) and the cores they share. */
  readonly gauge: SpinGauge;
  readonly cores: number;
}

const data = workerData as WorkerData;
/** Instances this thread made that hold something to release (see {@link CloseTask}). */
const opened = new Set<{ close?(): void | Promise<void> }>();
/** Longest a closing thread waits for the others to take their close task. */
const CLOSE_BARRIER_MS = 2000;

async function closeInstances(task: CloseTask): Promise<WorkerResult> {
  await Promise.allSettled([...opened].map(async (instance) => instance.close?.()));
  opened.clear();
  const arrived = new Int32Array(task.close);
  Atomics.add(arrived, 0, 1);
  const until = monotonicMs() + CLOSE_BARRIER_MS;
  for (let seen = Atomics.load(arrived, 0); seen < task.threads && monotonicMs() < until; ) {
    Atomics.wait(arrived, 0, seen, 50);
    seen = Atomics.load(arrived, 0);
  }
  return { fitness: [], failures: [], fitnessMs: 0, busyMs: 0 };
}
trackChildProcesses();
let registry: Promise<ProblemRegistry> | undefined;
/** When this thread finished its last chunk: a chunk that waited in the queue starts then. */
let lastDone = 0;

const loadRegistry = async () =>
  createRegistry([...builtinProblems, ...(await importBundles(data.problemModules))]);

/** A fitness failure that names the problem and the genome (its index in the request). */
class FitnessFailure extends Error {}
function failure(task: WorkerTask, index: number, reason: string): FitnessFailure {
  const genome = renderGenome(unpackGenome(task.genomes, index));
  return new FitnessFailure(
    `problem "${task.problem}", genome ${task.offset + index} (${genome}): ${reason}`,
  );
}

const describe = (value: unknown): string =>
  typeof value === 'number'
    ? String(value)
    : `${typeof value} ${JSON.stringify(value) ?? ''}`.trim();

/** A fitness of the problem's shape: a finite number, or one per objective. */
function check(task: WorkerTask, index: number, value: unknown, objectives: number): Fitness {
  if (objectives === 0) {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw failure(task, index, `fitness returned ${describe(value)}, not a finite number`);
    return value;
  }
  if (
    !Array.isArray(value) ||
    value.length !== objectives ||
    !value.every((v) => typeof v === 'number' && Number.isFinite(v))
  )
    throw failure(
      task,
      index,
      `fitness returned ${describe(value)}, not ${objectives} finite numbers (one per objective)`,
    );
  return value as number[];
}

/**
 * Evaluates one chunk. A `null` task only loads the problems: the pool sends one to each
 * thread at start-up. (One entry point: piscina loads and caches each named export as a
 * separate handler, and the entry is CommonJS for the reason given at `workerFile`.)
 */
export default async function evaluateChunk(
  task: WorkerTask | CloseTask | null,
): Promise<WorkerResult> {
  registry ??= loadRegistry();
  if (task !== null && 'close' in task) return closeInstances(task);
  if (task === null) {
    // Warm the paths every batch takes (problem lookup, fitness, timers), so the first real
    // batch runs at full speed.
    const { instance } = (await registry).resolve('onemax', { length: 8 });
    const warm = [instance.fitness('01010101') as number];
    for (const mode of ['busy', 'sleep'] as const)
      for (let i = 0; i < 20; i++)
        payCostFrom({ ms: 0.05, mode }, monotonicMs(), { ...data, calibration: 0 });
    lastDone = monotonicMs();
    return { fitness: warm, failures: [], fitnessMs: 0, busyMs: 0 };
  }
  const { instance } = (await registry).resolve(task.problem, task.params);
  if (instance.close) opened.add(instance);
  const count = packedCount(task.genomes);
  const objectives = instance.objectives?.length ?? 0;
  const progress = task.progress && new ChunkProgress(task.progress);
  progress?.began(threadId);
  const context = { calibration: task.calibration, gauge: data.gauge, cores: data.cores };
  let from = Math.max(task.postedAt, lastDone);
  const began = from;
  if (instance.fitnessBatch && !task.cost) {
    const genomes: Genome[] = [];
    for (let i = 0; i < count; i++) genomes.push(unpackGenome(task.genomes, i));
    progress?.genome(0, task.postedAt);
    const started = monotonicMs();
    const fitness = new Array<Fitness | null>(count).fill(null);
    const failures: { index: number; message: string }[] = [];
    try {
      const values = await instance.fitnessBatch(genomes);
      if (!Array.isArray(values) || values.length !== count)
        throw new Error(
          `returned ${Array.isArray(values) ? values.length : typeof values} values for ${count} genomes`,
        );
      for (let i = 0; i < count; i++) {
        const value = values[i];
        try {
          if (value instanceof Error) throw failure(task, i, `fitness failed: ${value.message}`);
          fitness[i] = check(task, i, value, objectives);
        } catch (error) {
          failures.push({ index: i, message: message(error) });
        }
      }
    } catch (error) {
      // The whole chunk failed: each of its genomes, with the same reason.
      for (let i = 0; i < count; i++)
        failures.push({
          index: i,
          message: failure(task, i, `fitnessBatch of ${count} genomes failed: ${message(error)}`)
            .message,
        });
    }
    lastDone = monotonicMs();
    return { fitness, failures, fitnessMs: lastDone - started, busyMs: lastDone - began };
  }
  // Without a cost the whole loop is fitness time (measured once, for chunk sizing); with one,
  // each genome's cost is paid from when the previous one ended and nothing is measured.
  const fitness: (Fitness | null)[] = [];
  const started = monotonicMs();
  let failed: { index: number; message: string } | undefined;
  for (let i = 0; i < count; i++) {
    // The pool ended the chunk (cancelled, or a deadline): the rest is not evaluated.
    if (progress?.stopped) break;
    const genome = unpackGenome(task.genomes, i);
    if (task.cost)
      payCostFrom(
        task.cost,
        from,
        context,
        task.cost.sigma ? genomeCostMs(task.cost, genomeKey(genome)) : task.cost.ms,
      );
    progress?.genome(i, task.postedAt);
    let value: unknown;
    try {
      value = instance.fitness(genome);
      if (value instanceof Promise) value = await value;
      const checked = check(task, i, value, objectives);
      fitness.push(checked);
      progress?.value(i, checked);
    } catch (error) {
      const reason =
        error instanceof FitnessFailure
          ? error.message
          : failure(task, i, `fitness threw: ${message(error)}`).message;
      failed = { index: i, message: reason };
      fitness.push(null);
      break;
    }
    if (task.cost) from = monotonicMs();
  }
  lastDone = monotonicMs();
  const fitnessMs = task.cost ? 0 : lastDone - started;
  return { fitness, failures: failed ? [failed] : [], fitnessMs, busyMs: lastDone - began };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
