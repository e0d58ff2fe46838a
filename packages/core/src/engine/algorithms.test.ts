import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../problems/registry.js';
import { ask, extend, init, isComplete, tell } from './algorithm.js';
import { resolveConfig } from './config.js';
import { evolve, localEvaluate } from './evolve.js';
import type { EngineState } from './state.js';

const evaluate = localEvaluate();
const onemax = (genomes: readonly unknown[]) =>
  genomes.map((g) => (g as string).split('').filter((c) => c === '1').length);
const drive = (state: EngineState, stopAt = Number.POSITIVE_INFINITY) => {
  let s = state;
  while (!isComplete(s) && s.logbook.length < stopAt) s = tell(s, onemax(ask(s).genomes));
  return s;
};
const muPlus = (over: object = {}) => ({
  problem: 'onemax',
  params: { length: 30 },
  population: 20,
  generations: 15,
  cxpb: 0.6,
  mutpb: 0.3,
  algorithm: { name: 'mu-plus-lambda', lambda: 40 },
  selection: { name: 'selBest' },
  seed: 9,
  ...over,
});

describe('mu-plus-lambda and mu-comma-lambda', () => {
  it('breeds lambda offspring by varOr and keeps mu, recording the kept population', () => {
    const first = tell(init(muPlus()), onemax(ask(init(muPlus())).genomes));
    expect(first.population).toHaveLength(40);
    expect(first.parents).toHaveLength(20);
    const second = tell(first, onemax(ask(first).genomes));
    expect(second.population).toHaveLength(40);
    expect(second.logbook[1]!.nevals).toBe(ask(first).genomes.length);
    // Copies (neither crossed nor mutated) keep their fitness and are not asked for again.
    expect(ask(first).genomes.length).toBeLessThan(40);
  });

  it('with plus-selection of the best, the best never gets worse and OneMax is solved', async () => {
    const result = await evolve(muPlus({ generations: 40 }), { evaluate });
    const maxima = result.logbook.map((e) => e.max);
    for (let i = 1; i < maxima.length; i++)
      expect(maxima[i]).toBeGreaterThanOrEqual(maxima[i - 1]!);
    expect(result.best.fitness).toBe(30);
  });

  it('without crossover or mutation only copies are made, so nothing is evaluated after gen 0', async () => {
    const result = await evolve(muPlus({ cxpb: 0, mutpb: 0, generations: 3 }), { evaluate });
    expect(result.logbook.map((e) => e.nevals)).toEqual([20, 0, 0, 0]);
  });

  it('mu-comma-lambda selects from the offspring only', async () => {
    const result = await evolve(
      muPlus({ algorithm: { name: 'mu-comma-lambda', lambda: 40 }, generations: 20 }),
      { evaluate },
    );
    expect(result.logbook).toHaveLength(21);
    expect(result.state.population).toHaveLength(20);
  });

  it('resumes from a JSON checkpoint and extends exactly as one uninterrupted run', () => {
    const whole = drive(init(muPlus()));
    const half = JSON.parse(JSON.stringify(drive(init(muPlus()), 7))) as EngineState;
    expect(drive(half)).toEqual(whole);
    const short = drive(init(muPlus({ generations: 6 })));
    expect(drive(extend(short, 15))).toEqual(whole);
  });

  it.each([
    [{ cxpb: 0.8, mutpb: 0.3 }, '/mutpb', /at most 1/],
    [{ algorithm: { name: 'mu-comma-lambda', lambda: 10 } }, '/algorithm/lambda', /at least mu/],
    [{ algorithm: { name: 'mu-plus-lambda', mu: 30, lambda: 40 } }, '/algorithm/mu', /not both/],
    [{ algorithm: { name: 'mu-plus-lambda' } }, '/algorithm/lambda', /required/],
    [{ algorithm: { name: 'annealing' } }, '/algorithm/name', /simple, mu-plus-lambda/],
  ])('refuses %j naming %s', (over, path, message) => {
    try {
      resolveConfig(muPlus(over), defaultRegistry);
      expect.unreachable();
    } catch (error) {
      const details = (error as { details: { path: string; message: string }[] }).details;
      expect(details.find((d) => d.path === path)?.message).toMatch(message);
    }
  });

  it('takes mu as the population size, and records no algorithm for simple runs', () => {
    const { population, algorithm } = resolveConfig(
      muPlus({ population: undefined, algorithm: { name: 'mu-plus-lambda', mu: 12, lambda: 30 } }),
      defaultRegistry,
    );
    expect(population).toBe(12);
    expect(algorithm).toEqual({ name: 'mu-plus-lambda', lambda: 30 });
    expect(
      resolveConfig({ problem: 'onemax', algorithm: { name: 'simple' } }, defaultRegistry),
    ).not.toHaveProperty('algorithm');
  });
});
