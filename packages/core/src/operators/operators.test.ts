import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../random.js';
import {
  bitsArb,
  HIGH,
  isPermutation,
  LOW,
  permutationsArb,
  realsArb,
  rngArb,
} from '../test-utils.js';
import {
  cxBlend,
  cxOnePoint,
  cxOrdered,
  cxPartiallyMatched,
  cxSimulatedBinaryBounded,
  cxTwoPoint,
  cxUniform,
} from './crossover.js';
import { mutFlipBit, mutGaussian, mutPolynomialBounded, mutShuffleIndexes } from './mutation.js';
import { selBest, selRandom, selRoulette, selTournament } from './selection.js';

const isBits = (s: string, n: number) => s.length === n && /^[01]*$/.test(s);
const inBounds = (g: number[], n: number) =>
  g.length === n && g.every((x) => Number.isFinite(x) && x >= LOW && x <= HIGH);
const prob = fc.double({ min: 0, max: 1, noNaN: true });
/** Runs `op` twice from the same seed: seeds must reproduce. */
const twice = <T>(seed: number, op: (rng: Random) => T): [T, T] => [
  op(Random.fromSeed(seed)),
  op(Random.fromSeed(seed)),
];

describe('sequence crossovers on bit strings', () => {
  it('keep lengths and alphabet, exchange genes position-wise, and reproduce', () => {
    fc.assert(
      fc.property(bitsArb(), fc.nat(), prob, ([a, b], seed, indpb) => {
        for (const op of [
          (r: Random) => cxOnePoint(a, b, r),
          (r: Random) => cxTwoPoint(a, b, r),
          (r: Random) => cxUniform(a, b, indpb, r),
        ]) {
          const [[c1, c2], again] = twice(seed, op);
          expect(again).toEqual([c1, c2]);
          expect(isBits(c1, a.length) && isBits(c2, a.length)).toBe(true);
          for (let i = 0; i < a.length; i++)
            expect([c1[i], c2[i]].sort()).toEqual([a[i], b[i]].sort());
        }
      }),
    );
  });

  it('cut one-point children into a prefix of one parent and a suffix of the other', () => {
    fc.assert(
      fc.property(bitsArb(), rngArb, ([a, b], rng) => {
        const [c1] = cxOnePoint(a, b, rng);
        const ok = Array.from({ length: a.length - 1 }, (_, k) => k + 1).some(
          (p) => c1 === a.slice(0, p) + b.slice(p),
        );
        expect(ok).toBe(true);
      }),
    );
  });
});

describe('real crossovers', () => {
  it('keep lengths and bounds, and reproduce', () => {
    fc.assert(
      fc.property(realsArb(), fc.nat(), ([a, b], seed) => {
        for (const op of [
          (r: Random) => cxOnePoint(a, b, r),
          (r: Random) => cxTwoPoint(a, b, r),
          (r: Random) => cxUniform(a, b, 0.5, r),
          (r: Random) => cxBlend(a, b, 0.5, LOW, HIGH, r),
          (r: Random) => cxSimulatedBinaryBounded(a, b, 20, LOW, HIGH, r),
        ]) {
          const [[c1, c2], again] = twice(seed, op);
          expect(again).toEqual([c1, c2]);
          expect(inBounds(c1, a.length) && inBounds(c2, a.length)).toBe(true);
        }
      }),
    );
  });

  it('never modify the parents', () => {
    fc.assert(
      fc.property(realsArb(), rngArb, ([a, b], rng) => {
        const [a0, b0] = [a.slice(), b.slice()];
        cxSimulatedBinaryBounded(a, b, 20, LOW, HIGH, rng);
        cxBlend(a, b, 0.5, LOW, HIGH, rng);
        expect([a, b]).toEqual([a0, b0]);
      }),
    );
  });
});

describe('permutation crossovers', () => {
  it('give permutations and reproduce', () => {
    fc.assert(
      fc.property(permutationsArb(), fc.nat(), ([a, b], seed) => {
        for (const op of [
          (r: Random) => cxOrdered(a, b, r),
          (r: Random) => cxPartiallyMatched(a, b, r),
        ]) {
          const [[c1, c2], again] = twice(seed, op);
          expect(again).toEqual([c1, c2]);
          expect(isPermutation(c1, a.length) && isPermutation(c2, a.length)).toBe(true);
        }
      }),
    );
  });

  it('OX keeps a contiguous segment of the first parent in place', () => {
    fc.assert(
      fc.property(permutationsArb(3, 30), rngArb, ([a, b], rng) => {
        const [c1] = cxOrdered(a, b, rng);
        const same = c1.map((g, i) => g === a[i]);
        expect(same.filter(Boolean).length).toBeGreaterThanOrEqual(2);
      }),
    );
  });
});

describe('mutations', () => {
  it('flip-bit keeps length and alphabet and flips exactly the chosen bits', () => {
    fc.assert(
      fc.property(bitsArb(1, 200), prob, fc.nat(), ([a], indpb, seed) => {
        const [m, again] = twice(seed, (r) => mutFlipBit(a, indpb, r));
        expect(again).toBe(m);
        expect(isBits(m, a.length)).toBe(true);
        if (indpb === 0) expect(m).toBe(a);
        if (indpb === 1) expect(m).toBe([...a].map((c) => (c === '0' ? '1' : '0')).join(''));
      }),
    );
  });

  it('flip-bit flips indpb of the bits on average', () => {
    const rng = Random.fromSeed(1);
    const a = '0'.repeat(1000);
    let flipped = 0;
    for (let t = 0; t < 200; t++)
      flipped += [...mutFlipBit(a, 0.05, rng)].filter((c) => c === '1').length;
    expect(flipped / 200 / 1000).toBeCloseTo(0.05, 2);
  });

  it('real mutations keep length and bounds', () => {
    fc.assert(
      fc.property(realsArb(), prob, fc.nat(), ([a], indpb, seed) => {
        for (const op of [
          (r: Random) => mutGaussian(a, 0, 3, indpb, LOW, HIGH, r),
          (r: Random) => mutPolynomialBounded(a, 20, LOW, HIGH, indpb, r),
        ]) {
          const [m, again] = twice(seed, op);
          expect(again).toEqual(m);
          expect(inBounds(m, a.length)).toBe(true);
        }
      }),
    );
  });

  it('shuffle-indexes keeps permutations', () => {
    fc.assert(
      fc.property(permutationsArb(1, 50), prob, fc.nat(), ([a], indpb, seed) => {
        const [m, again] = twice(seed, (r) => mutShuffleIndexes(a, indpb, r));
        expect(again).toEqual(m);
        expect(isPermutation(m, a.length)).toBe(true);
      }),
    );
  });
});

describe('selection', () => {
  const population = fc.array(
    fc.record({ id: fc.nat(), score: fc.double({ min: 0, max: 1e6, noNaN: true }) }),
    { minLength: 1, maxLength: 50 },
  );

  it('returns k members of the population and reproduces', () => {
    fc.assert(
      fc.property(population, fc.integer({ min: 0, max: 60 }), fc.nat(), (pop, k, seed) => {
        for (const op of [
          (r: Random) => selTournament(pop, k, 3, r),
          (r: Random) => selRoulette(pop, k, r),
          (r: Random) => selRandom(pop, k, r),
          () => selBest(pop, Math.min(k, pop.length)),
        ]) {
          const [chosen, again] = twice(seed, op);
          expect(again).toEqual(chosen);
          for (const c of chosen) expect(pop).toContain(c);
        }
        expect(selTournament(pop, k, 3, Random.fromSeed(seed))).toHaveLength(k);
      }),
    );
  });

  it('selBest returns the best, best first', () => {
    fc.assert(
      fc.property(population, (pop) => {
        const best = selBest(pop, 3);
        const sorted = pop.map((p) => p.score).sort((a, b) => b - a);
        expect(best.map((b) => b.score)).toEqual(sorted.slice(0, 3));
      }),
    );
  });

  it('a tournament as large as can be almost always returns a best individual', () => {
    const pop = Array.from({ length: 10 }, (_, i) => ({ score: i }));
    const chosen = selTournament(pop, 100, 200, Random.fromSeed(1));
    expect(chosen.every((c) => c.score === 9)).toBe(true);
  });

  it('roulette favours higher scores and refuses negative ones', () => {
    const pop = [{ score: 1 }, { score: 9 }];
    const picks = selRoulette(pop, 10_000, Random.fromSeed(2));
    expect(picks.filter((p) => p.score === 9).length / 10_000).toBeCloseTo(0.9, 1);
    expect(() => selRoulette([{ score: -1 }], 1, Random.fromSeed(1))).toThrow(
      expect.objectContaining({ code: 'GALAPAGOS_ERR_UNSUPPORTED_OPERATOR' }),
    );
  });
});
