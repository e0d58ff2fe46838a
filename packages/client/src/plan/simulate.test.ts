import { defaultRegistry, resolveConfig } from '@galapagos/core';
import { describe, expect, it } from 'vitest';
import { simulateSends } from './simulate.js';

const engine = (over: object = {}) =>
  resolveConfig(
    { problem: 'onemax', params: { length: 12 }, population: 40, generations: 8, ...over },
    defaultRegistry,
  );

describe('the run shape a plan simulates', () => {
  it('runs every generation, elitism and invalidation as the engine does', async () => {
    const { sent, asked } = await simulateSends(engine(), defaultRegistry, { cache: false });
    expect(asked).toHaveLength(9);
    expect(asked[0]).toBe(40);
    // The hall of fame (1) passes on unevaluated; some offspring are neither crossed nor mutated.
    for (const n of asked.slice(1)) expect(n).toBeLessThanOrEqual(39);
    expect(sent).toEqual(asked);
  });

  it('spares what the cache holds, and stops at a number of evaluations', async () => {
    const cached = await simulateSends(engine(), defaultRegistry, { cache: true });
    const all = await simulateSends(engine(), defaultRegistry, { cache: false });
    // Twelve bits: genomes repeat, and a cache sends each once.
    expect(cached.sent.reduce((a, b) => a + b)).toBeLessThan(all.sent.reduce((a, b) => a + b));
    const upTo = await simulateSends(engine({ stop: { targetFitness: 1 } }), defaultRegistry, {
      cache: false,
      evaluations: 500,
    });
    const total = upTo.asked.reduce((a, b) => a + b);
    expect(total).toBeGreaterThanOrEqual(500);
    expect(total - upTo.asked.at(-1)!).toBeLessThan(500);
  });
});
