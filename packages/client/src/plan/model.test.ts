import { defaultRegistry, resolveConfig } from '@galapagos/core';
import { describe, expect, it } from 'vitest';
import { changedPerGeneration, type ProbeFigures, predict } from './model.js';

const engine = (over: object = {}) =>
  resolveConfig({ problem: 'sphere', population: 100, generations: 20, ...over }, defaultRegistry);

const probe = (over: Partial<ProbeFigures> = {}): ProbeFigures => ({
  firstRoundMs: 500,
  firstRoundGenomes: 100,
  laterRoundMs: 460,
  laterRoundGenomes: 91,
  slots: 8,
  usdPerGenome: 0,
  firstMs: 30,
  ...over,
});

describe('the plan model', () => {
  it('counts the offspring each algorithm evaluates after the first generation', () => {
    expect(changedPerGeneration(engine({ cxpb: 0.9, mutpb: 0.1 }))).toBeCloseTo(91, 10);
    expect(changedPerGeneration(engine({ cxpb: 0.5, mutpb: 0.2 }))).toBeCloseTo(60, 10);
    expect(
      changedPerGeneration(
        engine({ algorithm: { name: 'mu-plus-lambda', lambda: 200 }, cxpb: 0.6, mutpb: 0.3 }),
      ),
    ).toBeCloseTo(180, 10);
  });

  it('adds the probed rounds, scaling rounds larger than the probe', () => {
    const plan = predict(engine(), probe(), { concurrency: 32 });
    expect(plan.evaluations).toBe(100 + 20 * 91);
    expect(plan.wallMs).toBeCloseTo(500 + 20 * 460, 6);
    expect(plan.evalsPerSecond).toBeCloseTo(plan.evaluations / (plan.wallMs / 1000), 6);
    expect(plan.lambdaConcurrency).toBeUndefined();
    const big = predict(
      engine({ population: 1000 }),
      probe({ firstRoundGenomes: 256, laterRoundGenomes: 256 }),
      {
        concurrency: 32,
      },
    );
    expect(big.wallMs).toBeCloseTo(500 * (1000 / 256) + 20 * 460 * (910 / 256), 6);
  });

  it('plans a number of evaluations, prices them, and assumes Lambda’s limits when elastic', () => {
    const plan = predict(engine(), probe({ slots: undefined, usdPerGenome: 1e-5 }), {
      concurrency: 2000,
      evaluations: 10_000,
    });
    expect(plan.evaluations).toBe(10_000);
    expect(plan.generations).toBe(Math.ceil((10_000 - 100) / 91));
    expect(plan.usd).toBeCloseTo(0.1, 10);
    // 2000 invokes asked, 1000 allowed; no ramp beyond the first burst.
    expect(plan.lambdaConcurrency).toBe(100);
    expect(plan.assumptions.join('\n')).toMatch(/account concurrency of 1000/);
    expect(plan.wallMs).toBeCloseTo(500 + plan.generations * 460 + 250, 6);
  });
});
