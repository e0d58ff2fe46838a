// Test-only problems that misbehave inside a worker thread. Loaded through the pool's
// `problemModules` option by the runtime tests; never part of the shipped registry.
import Type from 'typebox';

const params = Type.Object({}, { additionalProperties: false });
const bits = { kind: 'binary', length: 4 };

/** Throws for the genome 1111, counts ones otherwise. */
const throws = {
  id: 'test-throws',
  title: 'throws',
  description: 'Throws on 1111.',
  params,
  instantiate: () => ({
    genome: bits,
    objective: 'max',
    fitness: (g) => {
      if (g === '1111') throw new Error('fitness exploded');
      return [...g].filter((c) => c === '1').length;
    },
  }),
};

/** Kills its worker thread for the genome 1111. */
const exits = {
  ...throws,
  id: 'test-exits',
  instantiate: () => ({
    genome: bits,
    objective: 'max',
    fitness: (g) => {
      if (g === '1111') process.exit(3);
      return 1;
    },
  }),
};

/** Returns NaN. */
const nan = {
  ...throws,
  id: 'test-nan',
  instantiate: () => ({ genome: bits, objective: 'max', fitness: () => Number.NaN }),
};

export const problems = [throws, exits, nan];
