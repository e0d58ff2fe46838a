import { describe, expect, it } from 'vitest';
import type { Genome } from '../genome.js';
import { defaultRegistry } from '../problems/registry.js';
import { Random } from '../random.js';
import { init, isComplete } from './algorithm.js';
import { resolveConfig } from './config.js';
import { evolve } from './evolve.js';
import type { EngineState } from './state.js';

const onemax = (g: Genome) => [...(g as string)].filter((c) => c === '1').length;
const config = (over: object = {}) => ({
  problem: 'onemax',
  params: { length: 24 },
  population: 20,
  generations: 8,
  algorithm: { name: 'steady-state', inFlight: 6 },
  seed: 4,
  ...over,
});
/** An evaluator whose replies arrive in a seeded random order (random delays). */
const jittery = (seed: number) => {
  const rng = Random.fromSeed(seed);
  return (genomes: Genome[]) =>
    new Promise<number[]>((resolve) =>
      setTimeout(() => resolve(genomes.map(onemax)), Math.floor(rng.next() * 8)),
    );
};

describe('steady-state evolution', () => {
  it('logs a generation per population-size evaluations and improves', async () => {
    const result = await evolve(config(), { evaluate: jittery(1) });
    expect(result.logbook).toHaveLength(9);
    expect(result.logbook.every((e) => e.nevals === 20)).toBe(true);
    expect(result.evaluations).toBe(180);
    expect(result.logbook.at(-1)!.max).toBeGreaterThan(result.logbook[0]!.max);
    expect(result.state.order).toHaveLength(180);
  });

  it('replaying the recorded order repeats the run exactly, whatever order the replies come in', async () => {
    const first = await evolve(config(), { evaluate: jittery(1) });
    const replayed = await evolve(config(), { evaluate: jittery(2), replay: first.state.order! });
    expect(replayed.state).toEqual(first.state);
    // Without the replay, another arrival order gives another (valid) run.
    const other = await evolve(config(), { evaluate: jittery(2) });
    expect(other.state.order).not.toEqual(first.state.order);
  });

  it('resumes from a checkpoint (genomes in flight included) and, replayed, ends as the whole run', async () => {
    const whole = await evolve(config(), { evaluate: jittery(3) });
    let checkpoint: EngineState | undefined;
    await evolve(config(), {
      evaluate: jittery(4),
      replay: whole.state.order!,
      onGeneration: (_e, state) => {
        if (state.logbook.length === 3) checkpoint ??= JSON.parse(JSON.stringify(state));
      },
    });
    expect(checkpoint!.pending!.length).toBeGreaterThan(0);
    const resumed = await evolve(config(), {
      evaluate: jittery(5),
      resume: checkpoint!,
      replay: whole.state.order!,
    });
    expect(resumed.state).toEqual(whole.state);
  });

  it.each(['worst', 'tournament'])(
    'replacement %s keeps the population and never loses the best',
    async (replacement) => {
      const result = await evolve(
        config({ algorithm: { name: 'steady-state', inFlight: 4, replacement } }),
        {
          evaluate: jittery(6),
        },
      );
      expect(result.state.population).toHaveLength(20);
      expect(result.logbook.at(-1)!.max).toBe(result.best.fitness);
      expect(isComplete(result.state)).toBe(true);
    },
  );

  it('refuses a replay order that is not the run’s, and settings that do not fit', async () => {
    await expect(evolve(config(), { evaluate: jittery(1), replay: [5000] })).rejects.toThrow(
      /not this run's/,
    );
    expect(() =>
      resolveConfig(config({ algorithm: { name: 'steady-state', inFlight: 50 } }), defaultRegistry),
    ).toThrow(/inFlight must be at most the population/);
    expect(() => init({ ...config(), problem: 'zdt1', params: {} })).toThrow(/single-objective/);
  });
});
