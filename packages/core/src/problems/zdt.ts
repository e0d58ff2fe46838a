import Type from 'typebox';
import { defineProblem, type ProblemDefinition } from './types.js';

/**
 * Zitzler, Deb and Thiele's two-objective test problems (ZDT, 2000), as DEAP's
 * `benchmarks.zdt1..3` define them: minimise `f1 = x1` and `f2 = g · h(f1, g)` over `n`
 * variables in `[0, 1]`, with `g = 1 + 9 · Σ_{i≥2} xᵢ / (n − 1)`. The Pareto-optimal front has
 * `g = 1` (every `xᵢ = 0` for `i ≥ 2`). The hypervolume reference point is `(11, 11)`, as in
 * DEAP's NSGA-II example.
 */
const zdt = (
  id: string,
  title: string,
  front: string,
  h: (f1: number, g: number) => number,
): ProblemDefinition =>
  defineProblem({
    id,
    title,
    description: `Two-objective benchmark ${title} (minimise both); Pareto front ${front}.`,
    params: Type.Object(
      {
        variables: Type.Integer({
          minimum: 2,
          maximum: 10_000,
          default: 30,
          description: 'Number of real variables in [0, 1].',
        }),
      },
      { additionalProperties: false },
    ),
    instantiate: ({ variables }) => ({
      genome: { kind: 'real', length: variables, low: 0, high: 1 },
      objective: 'min',
      objectives: ['min', 'min'],
      referencePoint: [11, 11],
      fitness: (genome) => {
        const x = genome as number[];
        let sum = 0;
        for (let i = 1; i < x.length; i++) sum += x[i]!;
        const g = 1 + (9 * sum) / (x.length - 1);
        const f1 = x[0]!;
        return [f1, g * h(f1, g)];
      },
    }),
  }) as ProblemDefinition;

export const zdt1 = zdt('zdt1', 'ZDT1', 'f2 = 1 − √f1 (convex)', (f1, g) => 1 - Math.sqrt(f1 / g));
export const zdt2 = zdt('zdt2', 'ZDT2', 'f2 = 1 − f1² (concave)', (f1, g) => 1 - (f1 / g) ** 2);
export const zdt3 = zdt(
  'zdt3',
  'ZDT3',
  'f2 = 1 − √f1 − f1 sin(10π f1) (five disconnected pieces)',
  (f1, g) => 1 - Math.sqrt(f1 / g) - (f1 / g) * Math.sin(10 * Math.PI * f1),
);

/**
 * DTLZ2 (Deb, Thiele, Laumanns and Zitzler), as DEAP's `benchmarks.dtlz2`: minimise `M`
 * objectives over `M + k − 1` variables in `[0, 1]`; the Pareto-optimal front is the unit
 * sphere's positive orthant (`Σ fᵢ² = 1`), reached when the last `k` variables are 0.5.
 * Reference point `(11, …, 11)`.
 */
export const dtlz2 = defineProblem({
  id: 'dtlz2',
  title: 'DTLZ2',
  description:
    'Many-objective benchmark DTLZ2 (minimise all); Pareto front: the unit sphere, Σ fᵢ² = 1.',
  params: Type.Object(
    {
      objectives: Type.Integer({ minimum: 2, maximum: 16, default: 3, description: 'M.' }),
      k: Type.Integer({
        minimum: 1,
        maximum: 1000,
        default: 10,
        description: 'Distance variables; the genome has M + k − 1 variables.',
      }),
    },
    { additionalProperties: false },
  ),
  instantiate: ({ objectives: m, k }) => ({
    genome: { kind: 'real', length: m + k - 1, low: 0, high: 1 },
    objective: 'min',
    objectives: Array.from({ length: m }, () => 'min' as const),
    referencePoint: Array.from({ length: m }, () => 11),
    fitness: (genome) => {
      const x = genome as number[];
      let g = 0;
      for (let i = m - 1; i < x.length; i++) g += (x[i]! - 0.5) ** 2;
      const f: number[] = [];
      for (let j = 0; j < m; j++) {
        let v = 1 + g;
        for (let i = 0; i < m - 1 - j; i++) v *= Math.cos((x[i]! * Math.PI) / 2);
        if (j > 0) v *= Math.sin((x[m - 1 - j]! * Math.PI) / 2);
        f.push(v);
      }
      return f;
    },
  }),
});
