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

/** Milliseconds on the process's monotonic clock: one clock for every thread of the process. */
export function monotonicMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}

/**
 * How many threads of a pool are spinning on `busy` cost right now (slot 0), in memory shared
 * by all of them, so that each knows whether it has a core to itself.
 */
export type SpinGauge = Int32Array;

export const createSpinGauge = (): SpinGauge => new Int32Array(new SharedArrayBuffer(8));

/** Spin between chances for other threads to run, while spinners outnumber cores. */
const SPIN_QUANTUM_MS = 0.1;
/** The nap that gives the core away (the kernel's timer slack makes it ~50 µs longer). */
const NAP_MS = 0.01;

/**
 * Spins until the monotonic clock reaches `deadline`: the reference `busy_wait`. With a
 * `gauge`, while more threads spin than there are `cores`, each spinner naps every 0.1 ms: the
 * cores stay fully used by spinners, but every one of them (and whichever thread serves
 * requests) gets a turn within a fraction of a millisecond, instead of waiting out OS time
 * slices of several ms, which would make each round of a busy batch tens of ms late.
 * @returns how many times it gave its core away
 */
export function busyUntil(deadline: number, gauge?: SpinGauge, cores = 1): number {
  const end = deadline - (monotonicMs() - performance.now());
  let naps = 0;
  if (gauge === undefined) {
    while (performance.now() < end) {
      // spin
    }
    return naps;
  }
  Atomics.add(gauge, 0, 1);
  try {
    let slice = performance.now();
    for (let t = slice; t < end; t = performance.now()) {
      if (t - slice >= SPIN_QUANTUM_MS && Atomics.load(gauge, 0) > cores) {
        Atomics.wait(gauge, 1, 0, NAP_MS);
        naps++;
        slice = performance.now();
      }
    }
  } finally {
    Atomics.sub(gauge, 0, 1);
  }
  return naps;
}

/** Spins for `ms` of wall-clock time from now: exactly the reference `busy_wait`. */
export function busyWait(ms: number): void {
  busyUntil(monotonicMs() + ms);
}

const napCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * Blocks this thread without CPU until the monotonic clock reaches `deadline` (to the
 * microsecond, unlike a timer's whole milliseconds). For worker threads: it blocks the event loop.
 */
export function sleepUntil(deadline: number): void {
  const left = deadline - monotonicMs();
  if (left > 0) Atomics.wait(napCell, 0, 0, left);
}

/** What a thread paying costs shares with its pool: see {@link payCostFrom}. */
export interface CostContext {
  readonly calibration: CpuCalibration;
  readonly gauge?: SpinGauge | undefined;
  readonly cores?: number | undefined;
}

/**
 * Pays one genome's cost on a worker thread, blocking it. `busy` and `sleep` count their time
 * from `from` (monotonic ms): the moment the thread was handed the genome, not the moment the
 * OS first ran it, which on a loaded machine can be many ms later. `cpu` is a fixed amount of
 * work, whenever it runs.
 */
export function payCostFrom(cost: Cost, from: number, context: CostContext): void {
  if (cost.ms <= 0) return;
  if (cost.mode === 'busy') busyUntil(from + cost.ms, context.gauge, context.cores);
  else if (cost.mode === 'sleep') sleepUntil(from + cost.ms);
  else cpuWork(Math.round(cost.ms * context.calibration));
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
