import Type from 'typebox';
import { defineProblem } from './types.js';

/**
 * N-Queens: place `n` queens on an `n×n` board so that none attacks another.
 *
 * - Genome: permutation of `0..n-1`; gene `i` is the row of the queen in column `i`, so rows
 *   and columns never clash and only diagonals count.
 * - Fitness: the number of queen pairs sharing a diagonal, range `[0, n(n-1)/2]`; minimised.
 * - Optimum: `0` (solutions exist for every `n ≥ 4`).
 */
export const nqueens = defineProblem({
  id: 'nqueens',
  title: 'N-Queens',
  description: 'Minimise the number of attacking queen pairs on an n×n board.',
  params: Type.Object(
    {
      n: Type.Integer({
        minimum: 4,
        maximum: 100_000,
        default: 8,
        description: 'Board size and number of queens.',
      }),
    },
    { additionalProperties: false },
  ),
  instantiate: ({ n }) => ({
    genome: { kind: 'permutation', length: n },
    objective: 'min',
    optimum: 0,
    fitness: (genome) => {
      const rows = genome as number[];
      // Queens on one diagonal share row - column (or row + column); count pairs per diagonal.
      const down = new Uint32Array(2 * n);
      const up = new Uint32Array(2 * n);
      let pairs = 0;
      for (let col = 0; col < n; col++) {
        const row = rows[col]!;
        const d = row - col + n;
        const u = row + col;
        pairs += down[d]! + up[u]!;
        down[d] = down[d]! + 1;
        up[u] = up[u]! + 1;
      }
      return pairs;
    },
  }),
});
