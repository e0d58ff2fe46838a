// Every operator and algorithm core has can be chosen in galapagos.config.json and runs.
import {
  CROSSOVERS,
  evolve,
  type GenomeKind,
  localEvaluate,
  MUTATIONS,
  SELECTIONS,
} from '@galapagos/core';
import { describe, expect, it } from 'vitest';
import { engineConfig } from '../run.js';
import { validateConfig } from './validate.js';

const PROBLEM_OF: Record<GenomeKind, { problem: string; params: object }> = {
  binary: { problem: 'onemax', params: { length: 16 } },
  real: { problem: 'sphere', params: { dimensions: 4 } },
  permutation: { problem: 'nqueens', params: { n: 8 } },
};

async function runs(run: Record<string, unknown>) {
  const checked = validateConfig({ run: { population: 12, generations: 2, ...run } });
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
  return evolve(engineConfig(checked.config.run), { evaluate: localEvaluate() });
}

describe('galapagos.config.json reaches every operator and algorithm', () => {
  it.each(SELECTIONS.map((e) => e.name))('selection %s', async (name) => {
    const result = await runs({ ...PROBLEM_OF.binary, selection: { name } });
    expect(result.state.config.selection.name).toBe(name);
  });

  it.each(CROSSOVERS.flatMap((e) => e.kinds.map((kind) => [e.name, kind] as const)))(
    'crossover %s on %s genomes',
    async (name, kind) => {
      const result = await runs({ ...PROBLEM_OF[kind], crossover: { name } });
      expect(result.state.config.crossover.name).toBe(name);
    },
  );

  it.each(MUTATIONS.flatMap((e) => e.kinds.map((kind) => [e.name, kind] as const)))(
    'mutation %s on %s genomes',
    async (name, kind) => {
      const result = await runs({ ...PROBLEM_OF[kind], mutation: { name } });
      expect(result.state.config.mutation.name).toBe(name);
    },
  );

  it.each([
    [{ name: 'simple' }],
    [{ name: 'mu-plus-lambda', lambda: 24 }],
    [{ name: 'mu-comma-lambda', lambda: 24 }],
    [{ name: 'steady-state', inFlight: 3, replacement: 'tournament' }],
  ])('algorithm %j', async (algorithm) => {
    const result = await runs({ ...PROBLEM_OF.binary, algorithm, cxpb: 0.6, mutpb: 0.3 });
    expect(result.logbook).toHaveLength(3);
    expect(result.state.config.algorithm?.name ?? 'simple').toBe(algorithm.name);
  });

  it('algorithm nsga2 on a multi-objective problem', async () => {
    const result = await runs({ problem: 'zdt1', params: { variables: 6 }, population: 12 });
    expect(result.state.config.algorithm).toEqual({ name: 'nsga2' });
    expect(result.logbook.at(-1)!.hypervolume).toBeGreaterThan(0);
  });

  it('stop rules, with the rule that stopped the run', async () => {
    const result = await runs({
      ...PROBLEM_OF.binary,
      generations: 100,
      stop: { targetFitness: 12 },
    });
    expect(result.stoppedBy).toBe('targetFitness');
  });

  it("an operator's parameters, checked by the operator's schema", () => {
    const checked = validateConfig({ run: { crossover: { name: 'cxBlend', alpha: -1 } } });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.issues[0]).toMatchObject({ path: '/run/crossover/alpha' });
  });
});
