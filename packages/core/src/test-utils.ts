import fc from 'fast-check';
import type { EngineConfigInput } from './engine/config.js';
import { referenceExperiment } from './engine/reference.js';
import { Random } from './random.js';

/** The reference design's OneMax experiment, with another seed. */
export const referenceConfig = (seed = 1): EngineConfigInput => referenceExperiment({ seed });

/** A fresh generator for a fast-check seed. */
export const rngArb = fc.integer({ min: 0, max: 2 ** 31 - 1 }).map((s) => Random.fromSeed(s));

export const bitsArb = (min = 2, max = 64) =>
  fc.integer({ min, max }).chain((n) =>
    fc.tuple(
      fc.array(fc.constantFrom('0', '1'), { minLength: n, maxLength: n }).map((a) => a.join('')),
      fc.array(fc.constantFrom('0', '1'), { minLength: n, maxLength: n }).map((a) => a.join('')),
    ),
  );

export const LOW = -5.12;
export const HIGH = 5.12;
const gene = fc.double({ min: LOW, max: HIGH, noNaN: true });
export const realsArb = (min = 1, max = 32) =>
  fc
    .integer({ min, max })
    .chain((n) =>
      fc.tuple(
        fc.array(gene, { minLength: n, maxLength: n }),
        fc.array(gene, { minLength: n, maxLength: n }),
      ),
    );

export const permutationArb = (n: number) =>
  fc.shuffledSubarray(
    Array.from({ length: n }, (_, i) => i),
    { minLength: n, maxLength: n },
  );
export const permutationsArb = (min = 2, max = 40) =>
  fc.integer({ min, max }).chain((n) => fc.tuple(permutationArb(n), permutationArb(n)));

export const isPermutation = (g: readonly number[], n: number): boolean =>
  g.length === n && [...g].sort((a, b) => a - b).every((x, i) => x === i);
