/**
 * Simulated evaluation cost (the reference design's `busy_wait`, and two variants). Node-only:
 * it reads the clock, which the pure engine never does.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { GalapagosError } from '../errors.js';
import { COST_MODES, type Cost } from '../wire.js';

/** Iterations of {@link cpuWork} per millisecond on this machine's idle core. */
export type CpuCalibration = number;

let sink = 0;

/** A fixed amount of integer work the optimiser cannot skip: `iterations` hash rounds. */
export function cpuWork(iterations: number): number {
  let h = sink | 0;
  for (let i = 0; i < iterations; i++) h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) + i;
  sink = h;
  return h;
}

/**
 * Measures how many {@link cpuWork} iterations one millisecond holds, taking the best of a few
 * samples so a briefly busy core does not skew it.
 */
export function calibrateCpu(sampleMs = 20, samples = 5): CpuCalibration {
  let best = 0;
  let iterations = 50_000;
  cpuWork(iterations);
  for (let s = 0; s < samples; s++) {
    const start = performance.now();
    let done = 0;
    while (performance.now() - start < sampleMs) {
      cpuWork(iterations);
      done += iterations;
    }
    best = Math.max(best, done / (performance.now() - start));
    iterations = Math.max(1000, Math.round(best / 4));
  }
  return best;
}

/** Spins until `ms` of wall-clock time has passed: exactly the reference `busy_wait`. */
export function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

/**
 * Checks a cost received from outside.
 * @throws GalapagosError `GALAPAGOS_ERR_INVALID_COST`
 */
export function assertCost(cost: unknown): asserts cost is Cost {
  const c = cost as Partial<Cost> | null;
  if (
    c === null ||
    typeof c !== 'object' ||
    typeof c.ms !== 'number' ||
    !Number.isFinite(c.ms) ||
    c.ms < 0 ||
    !COST_MODES.includes(c.mode as Cost['mode'])
  )
    throw new GalapagosError(
      'GALAPAGOS_ERR_INVALID_COST',
      `cost must be { ms: a finite number >= 0, mode: ${COST_MODES.join(' | ')} }`,
    );
}

/** Pays the cost of one genome on the current thread. */
export async function payCost(cost: Cost, calibration: CpuCalibration): Promise<void> {
  if (cost.ms <= 0) return;
  if (cost.mode === 'busy') busyWait(cost.ms);
  else if (cost.mode === 'cpu') cpuWork(Math.round(cost.ms * calibration));
  else await sleep(cost.ms);
}
