import { describe, expect, it } from 'vitest';
import { genomeKey } from '../genome.js';
import { Random } from '../random.js';
import { genomeCostMs, MAX_COST_Z, maxGenomeCostMs, meanGenomeCostMs } from './cost.js';

const keys = (n: number) => {
  const rng = Random.fromSeed(2);
  return Array.from({ length: n }, () =>
    genomeKey(Array.from({ length: 8 }, () => rng.next()).map((x) => Math.round(x * 1000) / 1000)),
  );
};

describe('uneven (lognormal) costs', () => {
  const cost = { ms: 200, mode: 'sleep' as const, sigma: 1 };

  it('are a function of the genome alone', () => {
    for (const key of keys(50)) expect(genomeCostMs(cost, key)).toBe(genomeCostMs(cost, key));
    expect(genomeCostMs({ ms: 200, mode: 'sleep' }, 'anything')).toBe(200);
  });

  it('are lognormal around ms: median ms, log-spread sigma, clamped at 3 sd', () => {
    const logs = keys(4000).map((k) => Math.log(genomeCostMs(cost, k) / cost.ms));
    const sorted = [...logs].sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1]!;
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / logs.length);
    expect(Math.abs(median)).toBeLessThan(0.08);
    expect(sd).toBeGreaterThan(0.9);
    expect(sd).toBeLessThan(1.1);
    expect(Math.max(...logs)).toBeLessThanOrEqual(MAX_COST_Z * cost.sigma + 1e-12);
    expect(maxGenomeCostMs(cost)).toBeCloseTo(200 * Math.exp(3), 6);
    expect(meanGenomeCostMs(cost)).toBeCloseTo(200 * Math.exp(0.5), 6);
  });
});
