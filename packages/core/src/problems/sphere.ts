import Type from 'typebox';
import { defineProblem } from './types.js';

/**
 * Sphere (De Jong's F1): minimise the squared distance to the origin.
 *
 * - Genome: real vector of `dimensions` genes (default 10), each in `[-5.12, 5.12]`.
 * - Fitness: `f(x) = Σ xᵢ²`, range `[0, 26.2144 · dimensions]`.
 * - Optimum: `0`, at `x = 0`.
 */
export const sphere = defineProblem({
  id: 'sphere',
  title: 'Sphere',
  description: 'Minimise the sum of squares of a bounded real vector (De Jong F1).',
  params: Type.Object(
    {
      dimensions: Type.Integer({
        minimum: 1,
        maximum: 100_000,
        default: 10,
        description: 'Number of real genes.',
      }),
    },
    { additionalProperties: false },
  ),
  instantiate: ({ dimensions }) => ({
    genome: { kind: 'real', length: dimensions, low: -5.12, high: 5.12 },
    objective: 'min',
    optimum: 0,
    fitness: (genome) => {
      let sum = 0;
      for (const x of genome as number[]) sum += x * x;
      return sum;
    },
  }),
});
