import { referenceExperiment } from '@galapagos/core';
import { describe, expect, it } from 'vitest';
import { validateConfig } from './config/validate.js';
import { LAMBDA_PRICES, lambdaUsage, withWorkerUsage } from './cost.js';
import type { Evaluator } from './evaluators/types.js';
import { runEvolution } from './run.js';

/** A target billing $0.01 per genome, reporting 5 ms of worker time per genome. */
function metered(capacity = 4): Evaluator {
  let usd = 0;
  let busy = 0;
  let requests = 0;
  return {
    maxBatchBytes: 1 << 20,
    get capacity() {
      return capacity;
    },
    async evaluate(request) {
      usd += 0.01 * request.genomes.length;
      busy += 5 * request.genomes.length;
      requests++;
      return request.genomes.map((g) => [...(g as string)].filter((c) => c === '1').length);
    },
    busyMs: () => busy,
    usage: () => ({ requests, computeSeconds: busy / 1000, usd, basis: 'test' }),
    health: async () => [],
    problems: async () => [],
    close: async () => {},
  };
}

const config = (stop: object) => {
  const checked = validateConfig({
    run: {
      ...referenceExperiment({ params: { length: 24 }, population: 20, generations: 30, seed: 5 }),
      stop,
    },
  });
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
  return checked.config;
};

describe('cost accounting', () => {
  it('prices Lambda by GB-second and request, with overrides', () => {
    const usage = lambdaUsage(1000, 100_000, 100, undefined, true);
    expect(usage.usd).toBeCloseTo(100 * LAMBDA_PRICES.usdPerGbSecond.x86_64 + 1000 * 2e-7, 12);
    expect(usage).toMatchObject({ requests: 1000, computeSeconds: 100, gbSeconds: 100 });
    expect(
      lambdaUsage(10, 1000, 2, { architecture: 'arm64', usdPerRequest: 0 }, true).usd,
    ).toBeCloseTo(2 * LAMBDA_PRICES.usdPerGbSecond.arm64, 12);
    expect(lambdaUsage(1, 10, 0.01, { memoryMb: 2048 }, false).basis).toMatch(/× 2048 MB/);
  });

  it('counts answered requests and prices worker time, leaving the target as it is', async () => {
    const target = metered(7);
    const priced = withWorkerUsage(target, { usdPerWorkerHour: 3.6 });
    await priced.evaluate(
      { problem: 'onemax', params: {}, genomes: ['01', '11'] },
      {
        signal: new AbortController().signal,
      },
    );
    expect(priced.capacity).toBe(7);
    expect(priced.usage!()).toMatchObject({ requests: 1, computeSeconds: 0.01 });
    expect(priced.usage!().usd).toBeCloseTo(0.01 * 0.001, 12);
    expect(withWorkerUsage(target, undefined).usage!().usd).toBe(0);
  });

  it('stops before the generation that would pass stop.budgetUsd, and reports the cost', async () => {
    const { run, dispatch } = config({ budgetUsd: 0.6 });
    const result = await runEvolution({ run, dispatch, evaluator: metered() });
    expect(result.stoppedBy).toBe('budgetUsd');
    expect(result.logbook.length).toBeLessThan(31);
    expect(result.spend!.usd).toBeCloseTo(0.01 * result.evaluationsSent, 10);
    // The old name stays for scripts that read it.
    expect(result.cost).toEqual(result.spend);
    // A whole generation more (20 genomes at $0.01) would have passed the budget.
    expect(result.spend!.usd + 20 * 0.01).toBeGreaterThan(0.6);
    expect(result.spend!.usd).toBeLessThanOrEqual(0.6);
    // Without a budget the same run goes on to its generations.
    const whole = await runEvolution({ ...config({}), evaluator: metered() });
    expect(whole.stoppedBy).toBe('generations');
    expect(whole.logbook.slice(0, result.logbook.length)).toEqual(result.logbook);
  });
});
