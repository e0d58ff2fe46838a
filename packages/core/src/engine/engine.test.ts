import { describe, expect, it } from 'vitest';
import type { Genome } from '../genome.js';
import { genomeProblem } from '../genome.js';
import { defaultRegistry } from '../problems/registry.js';
import { Random } from '../random.js';
import { referenceConfig } from '../test-utils.js';
import { ask, extend, init, isComplete, tell } from './algorithm.js';
import { resolveConfig } from './config.js';
import { evolve, localEvaluate } from './evolve.js';
import type { EngineState } from './state.js';

const evaluate = localEvaluate();
const run = (config: object) => evolve(config, { evaluate });

/** Drives ask/tell by hand, evaluating with `fitnessOf`. */
function drive(state: EngineState, fitnessOf: (g: Genome[]) => number[], stopAt = Infinity) {
  let s = state;
  while (!isComplete(s) && s.logbook.length < stopAt) s = tell(s, fitnessOf(ask(s).genomes));
  return s;
}
const onemax10 = (genomes: Genome[]) =>
  genomes.map(
    (g) => defaultRegistry.resolve('onemax', { length: 10 }).instance.fitness(g) as number,
  );

describe('extend', () => {
  it.each([
    ['a finished run of 2 generations', 2, Infinity],
    ['a run of 5 stopped after 2', 5, 3],
  ])('continues %s to 7 exactly as a run started with 7', (_, generations, stopAt) => {
    const short = drive(init({ ...referenceConfig(3), generations }), onemax10, stopAt);
    expect(short.logbook).toHaveLength(3);
    const continued = drive(extend(short, 7), onemax10);
    const long = drive(init({ ...referenceConfig(3), generations: 7 }), onemax10);
    expect(continued.logbook).toHaveLength(8);
    expect(continued).toEqual(long);
  });

  it('refuses fewer generations than the state has recorded', () => {
    const done = drive(init(referenceConfig()), onemax10);
    expect(() => extend(done, 3)).toThrow(/recorded 5 generations/);
    expect(extend(done, 5)).toEqual(done);
  });
});

describe('init / ask / tell', () => {
  it('starts with an unevaluated random population of valid genomes', () => {
    const state = init(referenceConfig());
    expect(state.population).toHaveLength(20);
    expect(state.population.every((i) => i.fitness === null)).toBe(true);
    for (const i of state.population) expect(genomeProblem(state.genome, i.genome)).toBeUndefined();
    expect(ask(state).genomes).toHaveLength(20);
  });

  it('asks only for the individuals without fitness and counts them as nevals', () => {
    let state = tell(init(referenceConfig()), onemax10(ask(init(referenceConfig())).genomes));
    for (let g = 1; g <= 5; g++) {
      const asked = ask(state).genomes;
      const invalid = state.population.filter((i) => i.fitness === null).length;
      expect(asked).toHaveLength(invalid);
      state = tell(state, onemax10(asked));
      expect(state.logbook[g]!.nevals).toBe(invalid);
    }
    expect(isComplete(state)).toBe(true);
    expect(ask(state).genomes).toEqual([]);
    expect(() => tell(state, [])).toThrow(
      expect.objectContaining({ code: 'GALAPAGOS_ERR_RUN_COMPLETE' }),
    );
  });

  it('passes the hall of fame unchanged into the next generation (elitism)', () => {
    const first = init(referenceConfig(4));
    const after = tell(first, onemax10(ask(first).genomes));
    const elites = after.population.slice(-3);
    expect(elites).toEqual(after.hallOfFame);
    expect(after.hallOfFame.map((h) => h.fitness)).toEqual(
      [...after.hallOfFame.map((h) => h.fitness)].sort((a, b) => b - a),
    );
    const best = Math.max(...onemax10(ask(first).genomes));
    expect(after.hallOfFame[0]!.fitness).toBe(best);
  });

  it('records DEAP statistics of the whole population', () => {
    const state = drive(init(referenceConfig(2)), onemax10);
    const last = state.logbook[5]!;
    const f = state.population.map((i) => i.fitness!);
    const avg = f.reduce((a, b) => a + b) / f.length;
    expect(last).toEqual({
      gen: 5,
      nevals: last.nevals,
      max: Math.max(...f),
      min: Math.min(...f),
      avg,
      std: Math.sqrt(f.reduce((a, b) => a + (b - avg) ** 2, 0) / f.length),
    });
    expect(state.evaluations).toBe(state.logbook.reduce((a, e) => a + e.nevals, 0));
  });

  it('refuses fitness that does not match the asked genomes', () => {
    const state = init(referenceConfig());
    const code = { code: 'GALAPAGOS_ERR_INVALID_FITNESS' };
    expect(() => tell(state, [1, 2])).toThrow(expect.objectContaining(code));
    expect(() => tell(state, [...new Array(19).fill(1), Number.NaN])).toThrow(
      expect.objectContaining(code),
    );
    expect(() => tell({ ...state, format: 'x' } as never, [])).toThrow(
      expect.objectContaining({ code: 'GALAPAGOS_ERR_INVALID_STATE' }),
    );
  });

  it('does not modify the state it is given', () => {
    const state = init(referenceConfig());
    const before = JSON.stringify(state);
    tell(state, onemax10(ask(state).genomes));
    expect(JSON.stringify(state)).toBe(before);
  });
});

describe('determinism', () => {
  it('gives byte-identical logbooks and best individuals for the same config and seed', async () => {
    for (const config of [
      referenceConfig(7),
      { problem: 'tsp', population: 40, generations: 10, seed: 3 },
      { problem: 'rastrigin', population: 30, generations: 10, seed: 3, hallOfFame: 2 },
    ]) {
      const [a, b] = await Promise.all([run(config), run(config)]);
      expect(JSON.stringify(a.state)).toBe(JSON.stringify(b.state));
    }
    const [a, c] = await Promise.all([run(referenceConfig(7)), run(referenceConfig(8))]);
    expect(JSON.stringify(a.logbook)).not.toBe(JSON.stringify(c.logbook));
  });

  it('gives the same result whatever the evaluation order and batch split', async () => {
    const shuffler = new Random([1, 2, 3, 4]);
    const scrambled = async (genomes: Genome[]) => {
      // Evaluate in a random order, in random-sized batches, resolving out of order.
      const order = genomes.map((_, i) => i).sort(() => shuffler.next() - 0.5);
      const fitness = new Array<number>(genomes.length);
      const batches: number[][] = [];
      for (let i = 0; i < order.length; ) {
        const size = 1 + shuffler.int(5);
        batches.push(order.slice(i, i + size));
        i += size;
      }
      await Promise.all(
        batches.map(async (batch) => {
          await new Promise((r) => setTimeout(r, shuffler.int(3)));
          for (const i of batch) fitness[i] = onemax10([genomes[i]!])[0]!;
        }),
      );
      return fitness;
    };
    const plain = await run(referenceConfig(11));
    const shuffled = await evolve(referenceConfig(11), { evaluate: scrambled });
    expect(JSON.stringify(shuffled.state)).toBe(JSON.stringify(plain.state));
  });

  it('resumes a checkpoint from generation k to the same end as an uninterrupted run', async () => {
    const config = { problem: 'knapsack', population: 30, generations: 12, seed: 5 };
    const whole = await run(config);
    const knapsackFitness = (genomes: Genome[]) =>
      genomes.map((g) => defaultRegistry.resolve('knapsack').instance.fitness(g) as number);
    for (const k of [1, 4, 12]) {
      const checkpoint = JSON.stringify(drive(init(config), knapsackFitness, k));
      expect(JSON.parse(checkpoint).logbook).toHaveLength(k);
      const resumed = await evolve(config, { evaluate, resume: JSON.parse(checkpoint) });
      expect(JSON.stringify(resumed.state)).toBe(JSON.stringify(whole.state));
    }
  });
});

describe('objectives and operators', () => {
  it('minimises: sphere and tsp improve on their initial population', async () => {
    for (const config of [
      { problem: 'sphere', population: 60, generations: 40, seed: 1 },
      { problem: 'tsp', population: 60, generations: 40, seed: 1 },
      { problem: 'nqueens', population: 60, generations: 40, seed: 1 },
    ]) {
      const { logbook, best } = await run(config);
      expect(logbook[40]!.min).toBeLessThan(logbook[0]!.min);
      expect(best.fitness).toBe(Math.min(...logbook.map((e) => e.min)));
    }
  });

  it('runs every operator that suits each genome kind', async () => {
    const cases = [
      ['onemax', ['cxOnePoint', 'cxTwoPoint', 'cxUniform'], ['mutFlipBit']],
      [
        'sphere',
        ['cxBlend', 'cxSimulatedBinaryBounded', 'cxTwoPoint'],
        ['mutGaussian', 'mutPolynomialBounded'],
      ],
      ['nqueens', ['cxOrdered', 'cxPartiallyMatched'], ['mutShuffleIndexes']],
    ] as const;
    for (const [problem, crossovers, mutations] of cases)
      for (const cx of crossovers)
        for (const mut of mutations)
          for (const selection of ['selTournament', 'selBest', 'selRandom'] as const) {
            const { state } = await run({
              problem,
              population: 10,
              generations: 3,
              crossover: { name: cx },
              mutation: { name: mut },
              selection: { name: selection },
            });
            for (const i of state.population)
              expect(genomeProblem(state.genome, i.genome)).toBeUndefined();
          }
    const roulette = await run({ ...referenceConfig(), selection: { name: 'selRoulette' } });
    expect(roulette.logbook).toHaveLength(6);
  });
});

describe('configuration', () => {
  it('fills defaults by genome kind', () => {
    const c = resolveConfig({ problem: 'onemax', params: { length: 50 } }, defaultRegistry);
    expect(c).toMatchObject({
      population: 100,
      generations: 50,
      cxpb: 0.9,
      mutpb: 0.1,
      hallOfFame: 1,
      selection: { name: 'selTournament', tournsize: 3 },
      crossover: { name: 'cxOnePoint' },
      mutation: { name: 'mutFlipBit', indpb: 1 / 50 },
    });
    expect(resolveConfig({ problem: 'tsp' }, defaultRegistry).crossover.name).toBe('cxOrdered');
    expect(
      resolveConfig({ problem: 'onemax', selection: { name: 'selTournament' } }, defaultRegistry)
        .selection,
    ).toEqual({ name: 'selTournament', tournsize: 3 });
  });

  it.each([
    [{ problem: 'onemax', population: 1 }, '/population'],
    [{ problem: 'onemax', cxpb: 2 }, '/cxpb'],
    [{ problem: 'onemax', popsize: 10 }, '/popsize'],
    [{ problem: 'onemax', selection: { name: 'selFancy' } }, '/selection/name'],
    [
      { problem: 'onemax', selection: { name: 'selTournament', tournsize: 0 } },
      '/selection/tournsize',
    ],
    [{ problem: 'onemax', crossover: { name: 'cxOrdered' } }, '/crossover/name'],
    [{ problem: 'tsp', mutation: { name: 'mutFlipBit' } }, '/mutation/name'],
    [{ problem: 'onemax', population: 4, hallOfFame: 4 }, '/hallOfFame'],
    [{ problem: 'onemax', seed: 1.5 }, '/seed'],
  ])('refuses %j naming %s', (config, path) => {
    try {
      resolveConfig(config, defaultRegistry);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'GALAPAGOS_ERR_INVALID_CONFIG' });
      expect((error as { details: { path: string }[] }).details.map((d) => d.path)).toContain(path);
    }
  });

  it('names an unknown setting with the known ones', () => {
    expect(() => resolveConfig({ problem: 'onemax', popsize: 10 }, defaultRegistry)).toThrow(
      /\/popsize unknown setting "popsize"; known: problem, params, population/,
    );
  });

  it('names a misspelt parameter with the problem and its known parameters', () => {
    expect(() => init({ problem: 'onemax', params: { lenght: 3 } })).toThrow(
      'invalid params for "onemax": unknown parameter "lenght" of onemax; known: length',
    );
  });

  it('refuses unknown problems and bad params with their own codes', () => {
    expect(() => init({ problem: 'nope' })).toThrow(
      expect.objectContaining({ code: 'GALAPAGOS_ERR_UNKNOWN_PROBLEM' }),
    );
    expect(() => init({ problem: 'onemax', params: { length: -1 } })).toThrow(
      expect.objectContaining({ code: 'GALAPAGOS_ERR_INVALID_PARAMS' }),
    );
  });
});

describe('evolve', () => {
  it('reports each generation and stops when aborted', async () => {
    const seen: number[] = [];
    const controller = new AbortController();
    const running = evolve(referenceConfig(), {
      evaluate,
      signal: controller.signal,
      onGeneration: (entry) => {
        seen.push(entry.gen);
        if (entry.gen === 2) controller.abort();
      },
    });
    await expect(running).rejects.toMatchObject({ code: 'GALAPAGOS_ERR_ABORTED' });
    expect(seen).toEqual([0, 1, 2]);
  });
});

describe('quality against the reference design', () => {
  it('reaches the OneMax optimum at least as often as DEAP (62.5% of seeds 1..200, mean best 9.61)', async () => {
    let hits = 0;
    let sum = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const { best } = await run(referenceConfig(seed));
      if (best.fitness === 10) hits++;
      sum += best.fitness;
    }
    // Two binomial standard deviations (3.4 points each) below DEAP's 62.5%.
    expect(hits / 200).toBeGreaterThanOrEqual(0.555);
    expect(sum / 200).toBeGreaterThanOrEqual(9.5);
  });
});
