/**
 * Simulated evaluation cost (the reference design's `busy_wait`, and two variants). Node-only:
 * it reads the clock, which the pure engine never does.
 */
import { readFileSync } from 'node:fs';
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
 * This thread's time on a CPU so far, in ms (Linux's `/proc/thread-self/schedstat`), or
 * `undefined` where the OS does not say.
 */
export function threadCpuMs(): number | undefined {
  try {
    const ns = Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]);
    return Number.isFinite(ns) ? ns / 1e6 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Measures how many {@link cpuWork} iterations one millisecond of a core holds: the median of
 * a few samples. Where the OS reports this thread's CPU time, the work is divided by that,
 * not by the wall-clock time, so that cores shared with other threads (several emulated
 * instances calibrating at once, say) do not make the measure small.
 */
export function calibrateCpu(sampleMs = 15, samples = 7): CpuCalibration {
  const rates: number[] = [];
  let iterations = 50_000;
  cpuWork(iterations);
  for (let s = 0; s < samples; s++) {
    const start = performance.now();
    const cpuStart = threadCpuMs();
    let done = 0;
    while (performance.now() - start < sampleMs) {
      cpuWork(iterations);
      done += iterations;
    }
    const wall = performance.now() - start;
    const cpuEnd = threadCpuMs();
    const cpu = cpuStart === undefined || cpuEnd === undefined ? 0 : cpuEnd - cpuStart;
    // Some kernels count CPU time in whole scheduler ticks: trust it only when it saw a good
    // part of the sample.
    const rate = done / (cpu > wall / 10 ? Math.min(cpu, wall) : wall);
    rates.push(rate);
    iterations = Math.max(1000, Math.round(rate / 4));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)]!;
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
/** A sleeping thread takes ~0.3 ms to run again after its timer fires: it spins that long. */
const WAKE_EARLY_MS = 0.3;

/**
 * Blocks this thread until the monotonic clock reaches `deadline`, to the microsecond. It
 * sleeps without CPU until shortly before, then spins the last 0.3 ms (see {@link busyUntil}
 * for `gauge` and `cores`), since a woken thread takes about that long to run again. For
 * worker threads: it blocks the event loop.
 */
export function sleepUntil(deadline: number, gauge?: SpinGauge, cores = 1): void {
  const left = deadline - monotonicMs() - WAKE_EARLY_MS;
  if (left > 0) Atomics.wait(napCell, 0, 0, left);
  busyUntil(deadline, gauge, cores);
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
export function payCostFrom(
  cost: Cost,
  from: number,
  context: CostContext,
  ms: number = cost.ms,
): void {
  if (ms <= 0) return;
  if (cost.mode === 'busy') busyUntil(from + ms, context.gauge, context.cores);
  else if (cost.mode === 'sleep') sleepUntil(from + ms, context.gauge, context.cores);
  else cpuWork(Math.round(ms * context.calibration));
}

/** The standard normal a genome's cost draws, from a hash of its key (FNV-1a, Box-Muller). */
function genomeNormal(key: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  const u1 = ((a >>> 0) + 1) / 4_294_967_297;
  const u2 = (b >>> 0) / 4_294_967_296;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Largest |z| a genome's uneven cost draws (so the costliest genome is ms × e^(3·sigma)). */
export const MAX_COST_Z = 3;

/**
 * What one genome costs: `cost.ms`, or with `sigma` a lognormal draw around it (median
 * `cost.ms`) that depends on the genome alone, so a run's costs are the same every time.
 */
export function genomeCostMs(cost: Cost, genomeKeyText: string): number {
  if (!cost.sigma) return cost.ms;
  const z = Math.max(-MAX_COST_Z, Math.min(MAX_COST_Z, genomeNormal(genomeKeyText)));
  return cost.ms * Math.exp(cost.sigma * z);
}

/** The most one genome can cost under `cost` (its deadline and the servers' caps use it). */
export const maxGenomeCostMs = (cost: Cost): number =>
  cost.ms * Math.exp((cost.sigma ?? 0) * MAX_COST_Z);

/** What a genome costs on average under `cost` (a lognormal's mean: ms × e^(sigma²/2)). */
export const meanGenomeCostMs = (cost: Cost): number =>
  cost.ms * Math.exp((cost.sigma ?? 0) ** 2 / 2);

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
    !COST_MODES.includes(c.mode as Cost['mode']) ||
    (c.sigma !== undefined &&
      (typeof c.sigma !== 'number' || !Number.isFinite(c.sigma) || c.sigma < 0 || c.sigma > 3))
  )
    throw new GalapagosError(
      'GALAPAGOS_ERR_INVALID_COST',
      `cost must be { ms: a finite number >= 0, mode: ${COST_MODES.join(' | ')}, sigma?: 0 to 3 }`,
    );
}
