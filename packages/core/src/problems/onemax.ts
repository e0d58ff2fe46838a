import Type from 'typebox';
import { defineProblem } from './types.js';

/**
 * OneMax, the reference benchmark: maximise the number of ones in a bit string.
 *
 * - Genome: binary, `length` bits (default 100; the reference experiment uses 10).
 * - Fitness: `f(x) = Σ xᵢ`, range `[0, length]`.
 * - Optimum: `length`, at the all-ones string.
 */
export const onemax = defineProblem({
  id: 'onemax',
  title: 'OneMax',
  description: 'Maximise the number of 1 bits in a bit string of the given length.',
  params: Type.Object(
    {
      length: Type.Integer({
        minimum: 1,
        maximum: 1_000_000,
        default: 100,
        description: 'Number of bits.',
      }),
    },
    { additionalProperties: false },
  ),
  instantiate: ({ length }) => ({
    genome: { kind: 'binary', length },
    objective: 'max',
    optimum: length,
    fitness: (genome) => {
      const bits = genome as string;
      let ones = 0;
      // Branch-free: '0' is 48 and '1' is 49 (genomes are validated before they get here).
      for (let i = 0; i < bits.length; i++) ones += bits.charCodeAt(i) - 48;
      return ones;
    },
  }),
});
