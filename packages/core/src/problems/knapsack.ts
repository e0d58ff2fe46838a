import Type from 'typebox';
import { knapsackInstances } from './data/knapsack.js';
import { defineProblem } from './types.js';

/**
 * 0/1 knapsack on a shipped instance (`p01`: 10 items, optimum 309; `p08`: 24 items, optimum
 * 13,549,094).
 *
 * - Genome: binary, one bit per item (1 = packed).
 * - Fitness: the total value when the total weight fits the capacity; otherwise
 *   `capacity − weight` (negative), so every overweight selection ranks below every feasible
 *   one and lighter overweight selections rank higher.
 * - Optimum: the instance's published optimum.
 */
export const knapsack = defineProblem({
  id: 'knapsack',
  title: '0/1 knapsack',
  description: 'Maximise the value packed into a knapsack without exceeding its capacity.',
  params: Type.Object(
    {
      instance: Type.Union([Type.Literal('p01'), Type.Literal('p08')], {
        default: 'p08',
        description: 'Shipped instance: p01 (10 items) or p08 (24 items).',
      }),
    },
    { additionalProperties: false },
  ),
  instantiate: ({ instance }) => {
    const { capacity, weights, values, optimum } = knapsackInstances[instance];
    return {
      genome: { kind: 'binary', length: weights.length },
      objective: 'max',
      optimum,
      fitness: (genome) => {
        const bits = genome as string;
        let weight = 0;
        let value = 0;
        for (let i = 0; i < bits.length; i++) {
          if (bits.charCodeAt(i) !== 49) continue;
          weight += weights[i]!;
          value += values[i]!;
        }
        return weight <= capacity ? value : capacity - weight;
      },
    };
  },
});
