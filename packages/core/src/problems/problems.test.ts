import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { genomeProblem, randomGenome } from '../genome.js';
import { Random } from '../random.js';
import { berlin52 } from './data/berlin52.js';
import { knapsackInstances } from './data/knapsack.js';
import { builtinProblems, createRegistry, defaultRegistry } from './registry.js';
import { defineProblem } from './types.js';
import { assertDefinition } from './validate.js';

const fitness = (id: string, params: object, genome: unknown) =>
  defaultRegistry.resolve(id, params).instance.fitness(genome as never) as number;

/** Exact 0/1 knapsack optimum by dynamic programming over Pareto-optimal (weight, value) pairs. */
function knapsackOptimum(capacity: number, weights: readonly number[], values: readonly number[]) {
  let front: [number, number][] = [[0, 0]];
  weights.forEach((w, i) => {
    const merged = [
      ...front,
      ...front.map(([fw, fv]): [number, number] => [fw + w, fv + values[i]!]),
    ]
      .filter(([fw]) => fw <= capacity)
      .sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    front = [];
    for (const p of merged)
      if (front.length === 0 || p[1] > front[front.length - 1]![1]) front.push(p);
  });
  return Math.max(...front.map(([, v]) => v));
}

describe('problem registry', () => {
  it('ships the six reference problems and four multi-objective benchmarks', () => {
    expect(defaultRegistry.ids().sort()).toEqual(
      [
        'knapsack',
        'nqueens',
        'onemax',
        'rastrigin',
        'sphere',
        'tsp',
        'zdt1',
        'zdt2',
        'zdt3',
        'dtlz2',
      ].sort(),
    );
  });

  it('fills defaults and refuses bad params with the reason', () => {
    expect(defaultRegistry.resolve('onemax').params).toEqual({ length: 100 });
    expect(() => defaultRegistry.resolve('onemax', { length: 0 })).toThrow(/length.*>= 1/);
    expect(() => defaultRegistry.resolve('onemax', { length: 5, extra: 1 })).toThrow(
      expect.objectContaining({ code: 'GALAPAGOS_ERR_INVALID_PARAMS' }),
    );
    expect(() => defaultRegistry.resolve('onemax', [])).toThrow(
      expect.objectContaining({ code: 'GALAPAGOS_ERR_INVALID_PARAMS' }),
    );
    expect(() => defaultRegistry.resolve('nope')).toThrow(
      expect.objectContaining({ code: 'GALAPAGOS_ERR_UNKNOWN_PROBLEM' }),
    );
    expect(() => defaultRegistry.resolve('__proto__')).toThrow(
      expect.objectContaining({ code: 'GALAPAGOS_ERR_UNKNOWN_PROBLEM' }),
    );
  });

  it('refuses params nested deeper than 64 levels with a coded error, not a stack overflow', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    expect(() => defaultRegistry.resolve('onemax', { length: deep })).toThrow(
      expect.objectContaining({
        code: 'GALAPAGOS_ERR_INVALID_PARAMS',
        message: expect.stringMatching(/deeper than 64/),
      }),
    );
  });

  it('refuses duplicate and malformed ids', () => {
    expect(() => createRegistry([...builtinProblems, builtinProblems[0]!])).toThrow(/duplicate/);
    // A registry does not check the shipped problems at every start: they are checked here.
    for (const problem of builtinProblems)
      expect(() => assertDefinition(problem, 'shipped')).not.toThrow();
    const bad = defineProblem({
      id: 'Bad Id',
      title: '',
      description: '',
      params: Type.Object({}),
      instantiate: () => ({
        genome: { kind: 'binary', length: 1 },
        objective: 'max',
        fitness: () => 0,
      }),
    });
    expect(() => createRegistry([bad])).toThrow(/invalid problem id/);
  });

  it('summarises every problem with its default genome, and its optimum or its objectives', () => {
    for (const s of defaultRegistry.summaries()) {
      expect(s.params).toHaveProperty('type', 'object');
      expect(s.genome.length).toBeGreaterThan(0);
      if (s.objectives) expect(s.referencePoint).toHaveLength(s.objectives.length);
      else expect(typeof s.optimum).toBe('number');
    }
  });

  it('gives finite fitness for random genomes of every problem', () => {
    const rng = Random.fromSeed(1);
    for (const id of defaultRegistry.ids()) {
      const { instance } = defaultRegistry.resolve(id);
      for (let i = 0; i < 50; i++) {
        const g = randomGenome(instance.genome, rng);
        expect(genomeProblem(instance.genome, g)).toBeUndefined();
        const value = instance.fitness(g) as number | number[];
        if (instance.objectives) {
          expect(value).toHaveLength(instance.objectives.length);
          expect((value as number[]).every(Number.isFinite)).toBe(true);
          continue;
        }
        const f = value as number;
        expect(Number.isFinite(f)).toBe(true);
        if (instance.optimum !== undefined) {
          if (instance.objective === 'max') expect(f).toBeLessThanOrEqual(instance.optimum);
          else expect(f).toBeGreaterThanOrEqual(instance.optimum);
        }
      }
    }
  });
});

describe('multi-objective benchmarks: points of the known Pareto fronts', () => {
  const on = (id: string, genome: number[]) =>
    defaultRegistry.resolve(id).instance.fitness(genome) as number[];
  const optimal = (x1: number, n = 30) => [x1, ...Array.from({ length: n - 1 }, () => 0)];
  it.each([0, 0.1, 0.25, 0.5, 0.9, 1])('zdt1, zdt2 and zdt3 at f1 = %s', (x1) => {
    const [a1, a2] = on('zdt1', optimal(x1));
    expect(a1).toBe(x1);
    expect(a2).toBeCloseTo(1 - Math.sqrt(x1), 12);
    expect(on('zdt2', optimal(x1))[1]).toBeCloseTo(1 - x1 ** 2, 12);
    expect(on('zdt3', optimal(x1))[1]).toBeCloseTo(
      1 - Math.sqrt(x1) - x1 * Math.sin(10 * Math.PI * x1),
      12,
    );
    // Off the front (g > 1), f2 is worse.
    expect(on('zdt1', [x1, 0.5, ...Array.from({ length: 28 }, () => 0)])[1]).toBeGreaterThan(a2!);
  });

  it('dtlz2 on its front lies on the unit sphere, and off it outside', () => {
    const rng = Random.fromSeed(4);
    for (let i = 0; i < 20; i++) {
      const position = [rng.next(), rng.next()];
      const onFront = on('dtlz2', [...position, ...Array.from({ length: 10 }, () => 0.5)]);
      expect(onFront).toHaveLength(3);
      expect(onFront.reduce((a, f) => a + f * f, 0)).toBeCloseTo(1, 12);
      const off = on('dtlz2', [...position, ...Array.from({ length: 10 }, () => 0.9)]);
      expect(off.reduce((a, f) => a + f * f, 0)).toBeGreaterThan(1);
    }
  });
});

describe('known optima', () => {
  it('onemax: the all-ones string scores its length', () => {
    expect(fitness('onemax', { length: 10 }, '1111111111')).toBe(10);
    expect(fitness('onemax', { length: 10 }, '0100000001')).toBe(2);
    expect(defaultRegistry.resolve('onemax', { length: 10 }).instance.optimum).toBe(10);
  });

  it('sphere and rastrigin: 0 at the origin, positive elsewhere', () => {
    for (const id of ['sphere', 'rastrigin']) {
      expect(fitness(id, { dimensions: 5 }, [0, 0, 0, 0, 0])).toBeCloseTo(0, 12);
      expect(fitness(id, { dimensions: 5 }, [1, 0, 0, 0, 0])).toBeGreaterThan(0.5);
    }
    expect(fitness('sphere', { dimensions: 2 }, [3, 4])).toBe(25);
    // Rastrigin at integer points: only the squares remain.
    expect(fitness('rastrigin', { dimensions: 2 }, [1, 2])).toBeCloseTo(5, 10);
  });

  it('knapsack: the published selections reach the optima, which dynamic programming confirms', () => {
    for (const [name, inst] of Object.entries(knapsackInstances)) {
      expect(knapsackOptimum(inst.capacity, inst.weights, inst.values), name).toBe(inst.optimum);
      expect(fitness('knapsack', { instance: name }, inst.optimalSelection)).toBe(inst.optimum);
    }
    expect(fitness('knapsack', { instance: 'p01' }, '1111111111')).toBeLessThan(0);
  });

  it('tsp: the published berlin52 tour has the published optimal length 7542', () => {
    const tour = berlin52.optimalTour.map((city) => city - 1);
    expect(new Set(tour).size).toBe(52);
    expect(fitness('tsp', {}, tour)).toBe(7542);
    const rotated = [...tour.slice(10), ...tour.slice(0, 10)];
    expect(fitness('tsp', {}, rotated)).toBe(7542);
    expect(fitness('tsp', {}, [...tour].reverse())).toBe(7542);
    expect(
      fitness(
        'tsp',
        {},
        Array.from({ length: 52 }, (_, i) => i),
      ),
    ).toBeGreaterThan(7542);
  });

  it('nqueens: a known solution has no attacks; the diagonal has all of them', () => {
    expect(fitness('nqueens', { n: 8 }, [0, 4, 7, 5, 2, 6, 1, 3])).toBe(0);
    expect(fitness('nqueens', { n: 8 }, [0, 1, 2, 3, 4, 5, 6, 7])).toBe(28);
    expect(fitness('nqueens', { n: 4 }, [1, 3, 0, 2])).toBe(0);
  });
});
