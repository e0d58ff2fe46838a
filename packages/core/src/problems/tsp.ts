import Type from 'typebox';
import { berlin52 } from './data/berlin52.js';
import { defineProblem } from './types.js';

const instances = { berlin52 } as const;

/**
 * Travelling salesman on a shipped TSPLIB instance (`berlin52`, optimal tour length 7542).
 *
 * - Genome: permutation of the city indices `0..n-1` (TSPLIB city `i + 1`).
 * - Fitness: the length of the closed tour, each edge the TSPLIB EUC_2D distance (Euclidean
 *   distance rounded to the nearest integer); minimised.
 * - Optimum: the instance's published optimal tour length.
 */
export const tsp = defineProblem({
  id: 'tsp',
  title: 'Travelling salesman (TSPLIB)',
  description: 'Minimise the length of a closed tour through every city of a TSPLIB instance.',
  params: Type.Object(
    {
      instance: Type.Literal('berlin52', {
        default: 'berlin52',
        description: 'Shipped TSPLIB instance.',
      }),
    },
    { additionalProperties: false },
  ),
  instantiate: ({ instance }) => {
    const { coordinates, optimum } = instances[instance];
    const n = coordinates.length;
    const distance = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const [xi, yi] = coordinates[i]!;
        const [xj, yj] = coordinates[j]!;
        distance[i * n + j] = Math.round(Math.hypot(xi - xj, yi - yj));
      }
    }
    return {
      genome: { kind: 'permutation', length: n },
      objective: 'min',
      optimum,
      fitness: (genome) => {
        const tour = genome as number[];
        let length = distance[tour[n - 1]! * n + tour[0]!]!;
        for (let i = 1; i < n; i++) length += distance[tour[i - 1]! * n + tour[i]!]!;
        return length;
      },
    };
  },
});
