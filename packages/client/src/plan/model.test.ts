import { defaultRegistry, resolveConfig } from '@galapagos/core';
import { describe, expect, it } from 'vitest';
import { type ProbeFigures, predict } from './model.js';

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
  const shape = (sent: number[]) => ({ sent, asked: sent.map((n) => n + 2) });

  it('counts sub-rounds of each generation on the target’s slots', () => {
    // 8 slots; the probe's later round of 91 genomes took 12 sub-rounds in 460 ms.
    const plan = predict(engine(), probe(), shape([100, 91, 80, 64, 0]), {
      concurrency: 32,
      cache: true,
    });
    const sub = 460 / 12;
    expect(plan.wallMs).toBeCloseTo(500 + (12 + 10 + 8) * sub, 6);
    expect(plan.sent).toBe(335);
    expect(plan.evaluations).toBe(345);
    expect(plan.generations).toBe(4);
    expect(plan.evalsPerSecond).toBeCloseTo(345 / (plan.wallMs / 1000), 6);
    expect(plan.lambdaConcurrency).toBeUndefined();
  });

  it('scales a first generation larger than the probe', () => {
    const plan = predict(
      engine({ population: 1000 }),
      probe({ firstRoundGenomes: 256, laterRoundGenomes: 256, laterRoundMs: 320 }),
      shape([1000]),
      { concurrency: 32, cache: true },
    );
    expect(plan.wallMs).toBeCloseTo((500 * 125) / 32, 6);
  });

  it('prices what is sent, and assumes Lambda’s limits when elastic', () => {
    const plan = predict(
      engine(),
      probe({ slots: undefined, usdPerGenome: 1e-5, laterRoundGenomes: 50, laterRoundMs: 100 }),
      shape([100, 90, 90]),
      { concurrency: 2000, cache: false },
    );
    expect(plan.usd).toBeCloseTo(280 * 1e-5, 12);
    // 2000 invokes asked, 1000 allowed: all of a generation at once, one sub-round each.
    expect(plan.lambdaConcurrency).toBe(100);
    expect(plan.wallMs).toBeCloseTo(500 + 2 * 100 + 250, 6);
    expect(plan.assumptions.join('\n')).toMatch(/account concurrency of 1000/);
  });
});
