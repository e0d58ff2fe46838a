import { describe, expect, it } from 'vitest';
import { dominates } from '../pareto/pareto.js';
import { defaultRegistry } from '../problems/registry.js';
import { ask, extend, init, isComplete, tell } from './algorithm.js';
import { resolveConfig } from './config.js';
import { evolve, localEvaluate } from './evolve.js';
import type { EngineState } from './state.js';

const evaluate = localEvaluate();
const zdt = (over: object = {}) => ({
  problem: 'zdt1',
  population: 40,
  generations: 60,
  cxpb: 0.9,
  mutpb: 1,
  algorithm: { name: 'nsga2' },
  crossover: { name: 'cxSimulatedBinaryBounded', eta: 20 },
  mutation: { name: 'mutPolynomialBounded', eta: 20 },
  seed: 3,
  ...over,
});
const drive = (state: EngineState, stopAt = Number.POSITIVE_INFINITY) => {
  let s = state;
  const { instance } = defaultRegistry.resolve(s.config.problem, s.config.params);
  while (!isComplete(s) && s.logbook.length < stopAt)
    s = tell(
      s,
      ask(s).genomes.map((g) => instance.fitness(g) as number[]),
    );
  return s;
};

describe('NSGA-II', () => {
  it('approaches the ZDT1 front: hypervolume rising towards 120.67, a non-dominated hall of fame', async () => {
    const result = await evolve(zdt(), { evaluate });
    const hv = result.logbook.map((e) => e.hypervolume!);
    expect(hv.at(-1)!).toBeGreaterThan(hv[0]!);
    expect(hv.at(-1)!).toBeGreaterThan(115);
    expect(hv.at(-1)!).toBeLessThan(120 + 2 / 3);
    const front = result.hallOfFame.map((i) => i.fitness as unknown as number[]);
    expect(front.length).toBeGreaterThan(10);
    for (const a of front)
      for (const b of front) expect(dominates(a, b, ['min', 'min'])).toBe(false);
    expect(result.logbook[0]!.objectives).toHaveLength(2);
    expect(result.logbook[0]!.nevals).toBe(40);
    expect(result.logbook[1]!.nevals).toBe(40);
  });

  it('runs three objectives (DTLZ2) with a hypervolume per generation', async () => {
    const result = await evolve(zdt({ problem: 'dtlz2', generations: 10 }), { evaluate });
    expect(result.logbook.every((e) => e.objectives?.length === 3)).toBe(true);
    expect(result.logbook.at(-1)!.hypervolume!).toBeGreaterThan(result.logbook[0]!.hypervolume!);
  });

  it('resumes from a JSON checkpoint and extends exactly as one uninterrupted run', () => {
    const whole = drive(init(zdt({ generations: 12 })));
    const half = JSON.parse(JSON.stringify(drive(init(zdt({ generations: 12 })), 5)));
    expect(drive(half)).toEqual(whole);
    expect(drive(extend(drive(init(zdt({ generations: 7 }))), 12))).toEqual(whole);
  });

  it.each([
    [{ algorithm: { name: 'simple' } }, '/algorithm', /2 objectives: use \{ "name": "nsga2" \}/],
    [{ algorithm: undefined, population: 30 }, '/population', /multiple of 4 for nsga2/],
    [{ problem: 'onemax' }, '/algorithm/name', /multi-objective problems/],
    [{ population: 30 }, '/population', /multiple of 4/],
    [{ stop: { targetFitness: 1 } }, '/stop/targetFitness', /single-objective/],
  ])('refuses %j naming %s', (over, path, message) => {
    try {
      resolveConfig(zdt(over), defaultRegistry);
      expect.unreachable();
    } catch (error) {
      const details = (error as { details: { path: string; message: string }[] }).details;
      expect(details.find((d) => d.path === path)?.message).toMatch(message);
    }
  });

  it('refuses a fitness of the wrong shape', () => {
    const state = init(zdt());
    expect(() =>
      tell(
        state,
        ask(state).genomes.map(() => 1),
      ),
    ).toThrow(/2 finite numbers/);
  });
});
