/**
 * Worker-thread entry of the evaluation pool: evaluates one chunk of genomes, one genome at
 * a time, paying each genome's cost before computing its fitness.
 */
import { workerData } from 'node:worker_threads';
import type { ProblemRegistry } from '../problems/registry.js';
import type { Cost } from '../wire.js';
import { type CpuCalibration, payCost } from './cost.js';
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
}

export interface WorkerData {
  readonly problemModules: readonly string[];
}

const data = workerData as WorkerData;
let registry: Promise<ProblemRegistry> | undefined;

/**
 * Evaluates one chunk. A `null` task only loads the problems: the pool sends one to each
 * thread at start-up. (One entry point on purpose: piscina loading a second named export
 * of this module while the first load is still running crashes Node 20's ESM loader.)
 */
export default async function evaluateChunk(task: WorkerTask | null): Promise<number[]> {
  registry ??= loadRegistry(data.problemModules);
  if (task === null) {
    // Warm the paths every batch takes (problem lookup, fitness, timers), so the first real
    // batch runs at full speed.
    const { instance } = (await registry).resolve('onemax', { length: 8 });
    const warm = [instance.fitness('01010101')];
    await payCost({ ms: 1, mode: 'sleep' }, 0);
    return warm;
  }
  const { instance } = (await registry).resolve(task.problem, task.params);
  const count = packedCount(task.genomes);
  const fitness = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    if (task.cost) await payCost(task.cost, task.calibration);
    fitness[i] = instance.fitness(unpackGenome(task.genomes, i));
  }
  return fitness;
}
