/**
 * Worker-thread entry of the evaluation pool: evaluates one chunk of genomes, one genome at
 * a time, paying each genome's cost before computing its fitness. Costs block the thread
 * (it has nothing else to do meanwhile), which keeps their timing to the microsecond.
 */
import { workerData } from 'node:worker_threads';
import { type Genome, genomeKey } from '../genome.js';
import { builtinProblems, createRegistry, type ProblemRegistry } from '../problems/registry.js';
import type { Fitness } from '../problems/types.js';
import type { Cost } from '../wire.js';
import {
  type CpuCalibration,
  genomeCostMs,
  monotonicMs,
  payCostFrom,
  type SpinGauge,
} from './cost.js';
import { importBundles } from './import-bundles.js';
import { type PackedGenomes, packedCount, unpackGenome } from './packing.js';

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
}

/** A chunk's fitness, and how long computing it took (the pool sizes chunks by it). */
export interface WorkerResult {
  readonly fitness: Fitness[];
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
let registry: Promise<ProblemRegistry> | undefined;
/** When this thread finished its last chunk: a chunk that waited in the queue starts then. */
let lastDone = 0;

const loadRegistry = async () =>
  createRegistry([...builtinProblems, ...(await importBundles(data.problemModules))]);

/** A fitness failure that names the problem and the genome (its index in the request). */
function failure(task: WorkerTask, index: number, reason: string): Error {
  return new Error(`problem "${task.problem}", genome ${task.offset + index}: ${reason}`);
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
export default async function evaluateChunk(task: WorkerTask | null): Promise<WorkerResult> {
  registry ??= loadRegistry();
  if (task === null) {
    // Warm the paths every batch takes (problem lookup, fitness, timers), so the first real
    // batch runs at full speed.
    const { instance } = (await registry).resolve('onemax', { length: 8 });
    const warm = [instance.fitness('01010101') as number];
    for (const mode of ['busy', 'sleep'] as const)
      for (let i = 0; i < 20; i++)
        payCostFrom({ ms: 0.05, mode }, monotonicMs(), { ...data, calibration: 0 });
    lastDone = monotonicMs();
    return { fitness: warm, fitnessMs: 0, busyMs: 0 };
  }
  const { instance } = (await registry).resolve(task.problem, task.params);
  const count = packedCount(task.genomes);
  const fitness = new Array<Fitness>(count);
  const objectives = instance.objectives?.length ?? 0;
  const context = { calibration: task.calibration, gauge: data.gauge, cores: data.cores };
  let from = Math.max(task.postedAt, lastDone);
  const began = from;
  let fitnessMs = 0;
  if (instance.fitnessBatch && !task.cost) {
    const genomes: Genome[] = [];
    for (let i = 0; i < count; i++) genomes.push(unpackGenome(task.genomes, i));
    const started = monotonicMs();
    let values: readonly Fitness[];
    try {
      values = await instance.fitnessBatch(genomes);
    } catch (error) {
      throw failure(task, 0, `fitnessBatch of ${count} genomes threw: ${message(error)}`);
    }
    if (!Array.isArray(values) || values.length !== count)
      throw failure(
        task,
        0,
        `fitnessBatch returned ${Array.isArray(values) ? values.length : typeof values} values for ${count} genomes`,
      );
    for (let i = 0; i < count; i++) fitness[i] = check(task, i, values[i], objectives);
    lastDone = monotonicMs();
    return { fitness, fitnessMs: lastDone - started, busyMs: lastDone - began };
  }
  // Without a cost the whole loop is fitness time (measured once, for chunk sizing); with one,
  // each genome's cost is paid from when the previous one ended and nothing is measured.
  const started = monotonicMs();
  for (let i = 0; i < count; i++) {
    const genome = unpackGenome(task.genomes, i);
    if (task.cost)
      payCostFrom(
        task.cost,
        from,
        context,
        task.cost.sigma ? genomeCostMs(task.cost, genomeKey(genome)) : task.cost.ms,
      );
    let value: unknown;
    try {
      value = instance.fitness(genome);
      if (value instanceof Promise) value = await value;
    } catch (error) {
      throw failure(task, i, `fitness threw: ${message(error)}`);
    }
    fitness[i] = check(task, i, value, objectives);
    if (task.cost) from = monotonicMs();
  }
  lastDone = monotonicMs();
  if (!task.cost) fitnessMs = lastDone - started;
  return { fitness, fitnessMs, busyMs: lastDone - began };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
