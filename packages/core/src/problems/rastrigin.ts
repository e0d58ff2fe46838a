import Type from 'typebox';
import { defineProblem } from './types.js';

/**
 * Rastrigin: a highly multimodal function with a regular grid of local minima.
 *
 * - Genome: real vector of `dimensions` genes (default 10), each in `[-5.12, 5.12]`.
 * - Fitness: `f(x) = 10·n + Σ (xᵢ² − 10·cos(2π·xᵢ))`, range `[0, ≈40.35 · n]`.
 * - Optimum: `0`, at `x = 0`.
 */
export const rastrigin = defineProblem({
  id: 'rastrigin',
  title: 'Rastrigin',
  description: 'Minimise the n-dimensional Rastrigin function over [-5.12, 5.12]^n.',
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
      let sum = 10 * dimensions;
      for (const x of genome as number[]) sum += x * x - 10 * Math.cos(2 * Math.PI * x);
      return sum;
    },
  }),
});
