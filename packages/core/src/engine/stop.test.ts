import { describe, expect, it } from 'vitest';
import { ask, init, isComplete, tell } from './algorithm.js';
import { evolve, localEvaluate } from './evolve.js';
import { referenceExperiment } from './reference.js';
import type { EngineState } from './state.js';

const evaluate = localEvaluate();
const onemax = (genomes: readonly unknown[]) =>
  genomes.map((g) => (g as string).split('').filter((c) => c === '1').length);
const config = (stop: object, over: object = {}) =>
  referenceExperiment({ params: { length: 20 }, generations: 200, stop, ...over });

describe('stopping rules', () => {
  it('evaluations: stops after the generation that reaches the budget', async () => {
    const result = await evolve(config({ evaluations: 100 }), { evaluate });
    expect(result.stoppedBy).toBe('evaluations');
    expect(result.evaluations).toBeGreaterThanOrEqual(100);
    expect(result.evaluations - result.logbook.at(-1)!.nevals).toBeLessThan(100);
  });

  it('targetFitness: stops once the best reaches it', async () => {
    const result = await evolve(config({ targetFitness: 16 }), { evaluate });
    expect(result.stoppedBy).toBe('targetFitness');
    expect(result.best.fitness).toBeGreaterThanOrEqual(16);
    expect(result.logbook.slice(0, -1).every((e) => e.max < 16)).toBe(true);
  });

  it('targetFitness when minimising: at most the target', async () => {
    const result = await evolve(
      { problem: 'sphere', generations: 500, stop: { targetFitness: 1 }, seed: 3 },
      { evaluate },
    );
    expect(result.stoppedBy).toBe('targetFitness');
    expect(result.best.fitness).toBeLessThanOrEqual(1);
  });

  it('stagnation: stops after that many generations without a better best', async () => {
    // Without variation, no generation can beat the initial best.
    const result = await evolve(config({ stagnation: 3 }, { cxpb: 0, mutpb: 0 }), { evaluate });
    expect(result.stoppedBy).toBe('stagnation');
    expect(result.logbook).toHaveLength(4);
  });

  it('generations: the count still applies, and says so', async () => {
    const result = await evolve(config({ targetFitness: 1000 }, { generations: 3 }), { evaluate });
    expect(result.stoppedBy).toBe('generations');
    expect(result.logbook).toHaveLength(4);
  });

  it('a resumed run stops where the uninterrupted one did', () => {
    const drive = (s: EngineState, stopAt = Number.POSITIVE_INFINITY) => {
      let state = s;
      while (!isComplete(state) && state.logbook.length < stopAt)
        state = tell(state, onemax(ask(state).genomes));
      return state;
    };
    const cfg = config({ stagnation: 4, targetFitness: 20 });
    const whole = drive(init(cfg));
    const resumed = drive(JSON.parse(JSON.stringify(drive(init(cfg), 3))) as EngineState);
    expect(resumed).toEqual(whole);
    expect(whole.stoppedBy).toBeDefined();
  });

  it('timeMs: stops between generations on the wall clock, leaving the state resumable', async () => {
    const slow = async (genomes: unknown[]) => {
      await new Promise((r) => setTimeout(r, 20));
      return onemax(genomes);
    };
    const result = await evolve(config({ timeMs: 150 }), { evaluate: slow });
    expect(result.stoppedBy).toBe('timeMs');
    expect(result.logbook.length).toBeLessThan(50);
    expect(isComplete(result.state)).toBe(false);
  });

  it('budgetUsd: the caller stops the run before a generation, and the state resumes as if never stopped', async () => {
    const rule = (limit: number) => (state: EngineState) =>
      state.logbook.length > limit ? ('budgetUsd' as const) : undefined;
    const small = config({ budgetUsd: 1 }, { generations: 12 });
    const stopped = await evolve(small, { evaluate, stopBefore: rule(4) });
    expect(stopped.stoppedBy).toBe('budgetUsd');
    expect(stopped.logbook.map((e) => e.gen)).toEqual([0, 1, 2, 3, 4]);
    expect(isComplete(stopped.state)).toBe(false);
    const whole = await evolve(small, { evaluate });
    const resumed = await evolve(small, { evaluate, resume: stopped.state });
    expect(resumed.logbook).toEqual(whole.logbook);
    expect(resumed.stoppedBy).toBe('generations');
  });

  it('budgetUsd is refused for steady-state runs, which have no generations to stop between', async () => {
    await expect(
      evolve(config({ budgetUsd: 1 }, { algorithm: { name: 'steady-state' } }), { evaluate }),
    ).rejects.toMatchObject({
      code: 'GALAPAGOS_ERR_INVALID_CONFIG',
      message: expect.stringContaining('/stop/budgetUsd'),
    });
  });

  it('honours its signal between generations even with a synchronous evaluator', async () => {
    const started = performance.now();
    await expect(
      evolve(config({}, { generations: 1_000_000 }), {
        evaluate,
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toMatchObject({ code: 'GALAPAGOS_ERR_ABORTED' });
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
