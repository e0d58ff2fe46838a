// Test-only problems that misbehave inside a worker thread. Loaded through the pool's
// `problemModules` option by the runtime tests; never part of the shipped registry.
import { threadId } from 'node:worker_threads';
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

/** Returns a string for genome 0011 (a user's bug). */
const notNumber = {
  ...throws,
  id: 'test-not-number',
  instantiate: () => ({
    genome: bits,
    objective: 'max',
    fitness: (g) => (g === '0011' ? 'three' : 1),
  }),
};

/** Takes 40 ms (without a simulated cost) and answers with its thread's id. */
const slowThread = {
  ...throws,
  id: 'test-slow-thread',
  instantiate: () => ({
    genome: bits,
    objective: 'max',
    fitness: async () => {
      await new Promise((resolve) => setTimeout(resolve, 40));
      return threadId;
    },
  }),
};

/** Never answers. */
const hangs = {
  ...throws,
  id: 'test-hangs',
  instantiate: () => ({ genome: bits, objective: 'max', fitness: () => new Promise(() => {}) }),
};

/** Allocates without bound for the genome 1111. */
const hog = {
  ...throws,
  id: 'test-memory-hog',
  instantiate: () => ({
    genome: bits,
    objective: 'max',
    fitness: (g) => {
      if (g !== '1111') return 1;
      const hoard = [];
      for (;;) hoard.push(new Array(1e5).fill(Math.random()));
    },
  }),
};

/** Vectorised: one call per chunk. */
const batched = {
  ...throws,
  id: 'test-batched',
  instantiate: () => ({
    genome: bits,
    objective: 'max',
    fitness: () => {
      throw new Error('the batch form must be used');
    },
    fitnessBatch: async (genomes) => genomes.map((g) => [...g].filter((c) => c === '1').length),
  }),
};

export const problems = [throws, exits, nan, notNumber, slowThread, hangs, hog, batched];
