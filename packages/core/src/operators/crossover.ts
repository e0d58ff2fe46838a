/**
 * Crossover operators. Each takes two parents and returns two new children; parents are never
 * modified. Sequence operators work on every genome kind that is a sequence of free genes
 * (bit strings and real vectors); permutation operators keep permutations valid; real
 * operators keep genes within `[low, high]`.
 */
import type { Random } from '../random.js';
import { forEachChosen } from '../random.js';

/** A genome whose genes may be exchanged freely: a bit string or a number array. */
export type Sequence = string | number[];

/**
 * `a[0, from) + b[from, to) + a[to, …)`. Bit strings are joined into one flat string: `+`
 * would make a rope of slices that holds both parents alive and is copied again by whatever
 * reads it first (the fitness, the cache, the wire).
 */
function splice<S extends Sequence>(a: S, b: S, from: number, to: number): S {
  if (typeof a === 'string')
    return [a.slice(0, from), (b as string).slice(from, to), a.slice(to)].join('') as S;
  return (a as number[])
    .slice(0, from)
    .concat((b as number[]).slice(from, to), (a as number[]).slice(to)) as S;
}

/** Swaps the genes in [from, to) between the parents (DEAP's slice assignment). */
function swapSegment<S extends Sequence>(a: S, b: S, from: number, to: number): [S, S] {
  return [splice(a, b, from, to), splice(b, a, from, to)];
}

/** One cut point in [1, length-1]; the tails are exchanged (DEAP `cxOnePoint`). */
export function cxOnePoint<S extends Sequence>(a: S, b: S, rng: Random): [S, S] {
  const size = Math.min(a.length, b.length);
  if (size < 2) return [a.slice() as S, b.slice() as S];
  const point = rng.intBetween(1, size - 1);
  return swapSegment(a, b, point, size);
}

/** Two distinct cut points; the middle segment is exchanged (DEAP `cxTwoPoint`). */
export function cxTwoPoint<S extends Sequence>(a: S, b: S, rng: Random): [S, S] {
  const size = Math.min(a.length, b.length);
  if (size < 2) return [a.slice() as S, b.slice() as S];
  let p1 = rng.intBetween(1, size);
  let p2 = rng.intBetween(1, size - 1);
  if (p2 >= p1) p2 += 1;
  else [p1, p2] = [p2, p1];
  return swapSegment(a, b, p1, p2);
}

/** Each gene is exchanged independently with probability `indpb` (DEAP `cxUniform`). */
export function cxUniform<S extends Sequence>(a: S, b: S, indpb: number, rng: Random): [S, S] {
  const size = Math.min(a.length, b.length);
  if (typeof a === 'string') {
    const c1 = a.split('');
    const c2 = (b as string).split('');
    forEachChosen(size, indpb, rng, (i) => {
      const t = c1[i]!;
      c1[i] = c2[i]!;
      c2[i] = t;
    });
    return [c1.join('') as S, c2.join('') as S];
  }
  const c1 = (a as number[]).slice();
  const c2 = (b as number[]).slice();
  forEachChosen(size, indpb, rng, (i) => {
    const t = c1[i]!;
    c1[i] = c2[i]!;
    c2[i] = t;
  });
  return [c1 as S, c2 as S];
}

const clamp = (x: number, low: number, high: number): number => Math.min(Math.max(x, low), high);

/**
 * Blend crossover BLX-α (DEAP `cxBlend`): each child gene is drawn on the line through the
 * parents' genes, extended by `alpha` on both sides, then clamped to `[low, high]`.
 */
export function cxBlend(
  a: readonly number[],
  b: readonly number[],
  alpha: number,
  low: number,
  high: number,
  rng: Random,
): [number[], number[]] {
  const size = Math.min(a.length, b.length);
  const c1 = a.slice(0, size);
  const c2 = b.slice(0, size);
  for (let i = 0; i < size; i++) {
    const gamma = (1 + 2 * alpha) * rng.next() - alpha;
    const x1 = a[i]!;
    const x2 = b[i]!;
    c1[i] = clamp((1 - gamma) * x1 + gamma * x2, low, high);
    c2[i] = clamp(gamma * x1 + (1 - gamma) * x2, low, high);
  }
  return [c1, c2];
}

function sbxBetaQ(rand: number, beta: number, eta: number): number {
  const alpha = 2 - beta ** -(eta + 1);
  return rand <= 1 / alpha
    ? (rand * alpha) ** (1 / (eta + 1))
    : (1 / (2 - rand * alpha)) ** (1 / (eta + 1));
}

/**
 * Bounded simulated binary crossover (Deb's SBX, DEAP `cxSimulatedBinaryBounded`): each gene
 * pair is recombined with probability 0.5; `eta` is the crowding degree (high: children close
 * to their parents).
 */
export function cxSimulatedBinaryBounded(
  a: readonly number[],
  b: readonly number[],
  eta: number,
  low: number,
  high: number,
  rng: Random,
): [number[], number[]] {
  const size = Math.min(a.length, b.length);
  const c1 = a.slice(0, size);
  const c2 = b.slice(0, size);
  for (let i = 0; i < size; i++) {
    if (rng.next() > 0.5) continue;
    const x1 = Math.min(a[i]!, b[i]!);
    const x2 = Math.max(a[i]!, b[i]!);
    if (x2 - x1 <= 1e-14) continue;
    const rand = rng.next();
    const q1 = sbxBetaQ(rand, 1 + (2 * (x1 - low)) / (x2 - x1), eta);
    const q2 = sbxBetaQ(rand, 1 + (2 * (high - x2)) / (x2 - x1), eta);
    const y1 = clamp(0.5 * (x1 + x2 - q1 * (x2 - x1)), low, high);
    const y2 = clamp(0.5 * (x1 + x2 + q2 * (x2 - x1)), low, high);
    if (rng.next() <= 0.5) {
      c1[i] = y2;
      c2[i] = y1;
    } else {
      c1[i] = y1;
      c2[i] = y2;
    }
  }
  return [c1, c2];
}

/**
 * Ordered crossover OX1 (DEAP `cxOrdered`): each child keeps a random segment of one parent in
 * place and fills the rest, from after the segment onwards, with the other parent's genes in
 * the order they appear there.
 */
export function cxOrdered(
  a: readonly number[],
  b: readonly number[],
  rng: Random,
): [number[], number[]] {
  const size = a.length;
  if (size < 2) return [a.slice(), b.slice()];
  let lo = rng.int(size);
  let hi = rng.int(size - 1);
  if (hi >= lo) hi += 1;
  else [lo, hi] = [hi, lo];
  return [orderedChild(a, b, lo, hi), orderedChild(b, a, lo, hi)];
}

function orderedChild(
  keep: readonly number[],
  fill: readonly number[],
  lo: number,
  hi: number,
): number[] {
  const size = keep.length;
  const child = new Array<number>(size);
  const inSegment = new Uint8Array(size);
  for (let i = lo; i <= hi; i++) {
    child[i] = keep[i]!;
    inSegment[keep[i]!] = 1;
  }
  let write = (hi + 1) % size;
  for (let k = 0; k < size; k++) {
    const gene = fill[(hi + 1 + k) % size]!;
    if (inSegment[gene]) continue;
    child[write] = gene;
    write = (write + 1) % size;
  }
  return child;
}

/**
 * Partially matched crossover PMX (DEAP `cxPartiallyMatched`): genes of a random segment are
 * exchanged and the displaced genes are moved where the incoming ones were.
 */
export function cxPartiallyMatched(
  a: readonly number[],
  b: readonly number[],
  rng: Random,
): [number[], number[]] {
  const size = Math.min(a.length, b.length);
  const c1 = a.slice(0, size);
  const c2 = b.slice(0, size);
  if (size < 2) return [c1, c2];
  const p1 = new Array<number>(size);
  const p2 = new Array<number>(size);
  for (let i = 0; i < size; i++) {
    p1[c1[i]!] = i;
    p2[c2[i]!] = i;
  }
  let lo = rng.intBetween(0, size);
  let hi = rng.intBetween(0, size - 1);
  if (hi >= lo) hi += 1;
  else [lo, hi] = [hi, lo];
  for (let i = lo; i < hi; i++) {
    const g1 = c1[i]!;
    const g2 = c2[i]!;
    c1[i] = g2;
    c1[p1[g2]!] = g1;
    c2[i] = g1;
    c2[p2[g1]!] = g2;
    [p1[g1], p1[g2]] = [p1[g2]!, p1[g1]!];
    [p2[g1], p2[g2]] = [p2[g2]!, p2[g1]!];
  }
  return [c1, c2];
}
