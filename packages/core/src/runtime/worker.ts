/**
 * Worker-thread entry of the evaluation pool: evaluates one chunk of genomes, one genome at
 * a time, paying each genome's cost before computing its fitness. Costs block the thread
 * (it has nothing else to do meanwhile), which keeps their timing to the microsecond.
 */
import { workerData } from 'node:worker_threads';
import type { ProblemRegistry } from '../problems/registry.js';
import type { Cost } from '../wire.js';
import { type CpuCalibration, monotonicMs, payCostFrom, type SpinGauge } from './cost.js';
import { type PackedGenomes, packedCount, unpackGenome } from './packing.js';
import { loadRegistry } from './problem-modules.js';

/** What the pool sends each worker for one chunk. Inputs are validated before they get here. */
export interface WorkerTask {
  readonly problem: string;
  readonly params: Record<string, unknown>;
  readonly cost: Cost | undefined;
  readonly genomes: PackedGenomes;
  /** Work per ms for `cpu` cost (measured once by the pool, on its first `cpu` request). */
  readonly calibration: CpuCalibration;
  /** When the pool handed the chunk over ({@link monotonicMs}): costs count from then. */
  readonly postedAt: number;
}

export interface WorkerData {
  readonly problemModules: readonly string[];
  /** Spinning threads of the pool (see `busyUntil`) and the cores they share. */
  readonly gauge: SpinGauge;
  readonly cores: number;
}

const data = workerData as WorkerData;
let registry: Promise<ProblemRegistry> | undefined;
/** When this thread finished its last chunk: a chunk that waited in the queue starts then. */
let lastDone = 0;

/**
 * Evaluates one chunk. A `null` task only loads the problems: the pool sends one to each
 * thread at start-up. (One entry point: piscina loads and caches each named export as a
 * separate handler, and the entry is CommonJS for the reason given at `workerFile`.)
 */
export default async function evaluateChunk(task: WorkerTask | null): Promise<number[]> {
  registry ??= loadRegistry(data.problemModules);
  if (task === null) {
    // Warm the paths every batch takes (problem lookup, fitness, timers), so the first real
    // batch runs at full speed.
    const { instance } = (await registry).resolve('onemax', { length: 8 });
    const warm = [instance.fitness('01010101')];
    for (const mode of ['busy', 'sleep'] as const)
      for (let i = 0; i < 20; i++)
        payCostFrom({ ms: 0.05, mode }, monotonicMs(), { ...data, calibration: 0 });
    lastDone = monotonicMs();
    return warm;
  }
  const { instance } = (await registry).resolve(task.problem, task.params);
  const count = packedCount(task.genomes);
  const fitness = new Array<number>(count);
  const context = { calibration: task.calibration, gauge: data.gauge, cores: data.cores };
  let from = Math.max(task.postedAt, lastDone);
  for (let i = 0; i < count; i++) {
    if (task.cost) payCostFrom(task.cost, from, context);
    fitness[i] = instance.fitness(unpackGenome(task.genomes, i));
    from = monotonicMs();
  }
  lastDone = from;
  return fitness;
}
