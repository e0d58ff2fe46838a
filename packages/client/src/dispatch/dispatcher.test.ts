import type { EvaluateRequest, Genome } from '@galapagos/core';
import { describe, expect, it } from 'vitest';
import type { DispatchConfig } from '../config/schema.js';
import { EvaluationError } from '../errors.js';
import type { Evaluator } from '../evaluators/types.js';
import { Dispatcher } from './dispatcher.js';

const ones = (g: Genome) => [...(g as string)].filter((c) => c === '1').length;
const config = (over: Partial<DispatchConfig> = {}): DispatchConfig => ({
  batchSize: 'auto',
  concurrency: 4,
  timeoutMs: 1000,
  retries: 3,
  cache: true,
  ...over,
});
const problem = { problem: 'onemax', params: { length: 6 } };
const genomes = (n: number) => Array.from({ length: n }, (_, i) => i.toString(2).padStart(6, '0'));

/** A fake evaluator that records requests; `fault(n)` may throw or delay the n-th request. */
function fake(
  fault: (n: number, signal: AbortSignal) => Promise<void> | void = () => {},
  maxBatchBytes = Infinity,
) {
  const requests: EvaluateRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const evaluator: Evaluator = {
    maxBatchBytes,
    problems: async () => [],
    async evaluate(request, { signal }) {
      requests.push(request);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await new Promise((r) => setTimeout(r, 5));
        await fault(requests.length, signal);
        return request.genomes.map((g) => ones(g as Genome));
      } finally {
        inFlight--;
      }
    },
    health: async () => [],
    close: async () => {},
  };
  return { evaluator, requests, maxInFlight: () => maxInFlight };
}

describe('Dispatcher', () => {
  it('returns fitness in genome order with auto batches filling every concurrency slot', async () => {
    const f = fake();
    const d = new Dispatcher(f.evaluator, config({ concurrency: 4 }), problem);
    const g = genomes(30);
    expect(await d.evaluate(g)).toEqual(g.map(ones));
    expect(f.requests.map((r) => r.genomes.length)).toEqual([8, 8, 8, 6]);
    expect(f.maxInFlight()).toBe(4);
  });

  it('sends a batch measured cheap whole, and keeps splitting one measured costly', async () => {
    const withBusy = (genomeMs: number) => {
      const f = fake();
      let busy = 0;
      const evaluate = f.evaluator.evaluate.bind(f.evaluator);
      const evaluator: Evaluator = {
        ...f.evaluator,
        busyMs: () => busy,
        async evaluate(request, options) {
          const values = await evaluate(request, options);
          busy += genomeMs * request.genomes.length;
          return values;
        },
      };
      return { ...f, evaluator };
    };
    // First call: nothing measured yet, so every slot gets a share.
    const cheap = withBusy(0.001);
    const d = new Dispatcher(cheap.evaluator, config({ concurrency: 4 }), problem);
    await d.evaluate(genomes(32).slice(0, 16));
    expect(cheap.requests.map((r) => r.genomes.length)).toEqual([4, 4, 4, 4]);
    expect(d.measuredGenomeMs()).toBeCloseTo(0.001);
    await d.evaluate(genomes(32).slice(16));
    expect(cheap.requests.slice(4).map((r) => r.genomes.length)).toEqual([16]);

    const costly = withBusy(1);
    const e = new Dispatcher(costly.evaluator, config({ concurrency: 4 }), problem);
    await e.evaluate(genomes(32).slice(0, 16));
    await e.evaluate(genomes(32).slice(16));
    expect(costly.requests.slice(4).map((r) => r.genomes.length)).toEqual([4, 4, 4, 4]);
    // A shipped problem without cost is cheap from the first call.
    const shipped = withBusy(0.001);
    const s0 = new Dispatcher(shipped.evaluator, config({ concurrency: 4 }), {
      ...problem,
      shipped: true,
    });
    await s0.evaluate(genomes(16));
    expect(shipped.requests.map((r) => r.genomes.length)).toEqual([16]);
    // In between: requests of at least 2 ms of work each (6 genomes × 1 ms: 3 requests).
    const some = withBusy(1);
    const s = new Dispatcher(some.evaluator, config({ concurrency: 4 }), problem);
    await s.evaluate(genomes(32).slice(0, 4));
    await s.evaluate(genomes(32).slice(4, 10));
    expect(some.requests.slice(4).map((r) => r.genomes.length)).toEqual([2, 2, 2]);
  });

  it('skips the cache once a genome costs less to evaluate than to look up, and keeps it otherwise', async () => {
    // Long genomes (a key costs microseconds to hash) and a target that answers at once
    // without reading them.
    const long = (n: number, seed: number) =>
      Array.from({ length: n }, (_, i) => `${i + seed}`.padStart(20_000, '0'));
    const instant: Evaluator = {
      maxBatchBytes: Infinity,
      problems: async () => [],
      evaluate: async (request) => request.genomes.map(() => 0),
      health: async () => [],
      close: async () => {},
    };
    const d = new Dispatcher(instant, config({ concurrency: 1 }), problem);
    expect(d.cachePays()).toBe(true);
    // Judged after the first call (one genome in ten taken for a repeat at least): the lookups
    // cost more than that would save here.
    await d.evaluate(long(200, 0));
    expect(d.cachePays()).toBe(false);
    // Duplicates then go out as they are, with the same fitness.
    expect(await d.evaluate([...long(2, 0), ...long(2, 0)])).toEqual([0, 0, 0, 0]);
    expect(d.stats).toMatchObject({ cacheHits: 0, evaluationsSent: 204 });

    // A target that takes milliseconds per request: the cache stays.
    const f = fake();
    const e = new Dispatcher(f.evaluator, config({ concurrency: 1 }), problem);
    await e.evaluate(genomes(20));
    expect(e.cachePays()).toBe(true);
    await e.evaluate(genomes(20));
    expect(e.stats).toMatchObject({ cacheHits: 20, evaluationsSent: 20 });
    expect(e.cachePays()).toBe(true);
    await e.evaluate(genomes(20));
    expect(e.stats).toMatchObject({ cacheHits: 40, evaluationsSent: 20 });
  });

  it('uses fixed batch sizes and bounds requests in flight', async () => {
    const f = fake();
    const d = new Dispatcher(f.evaluator, config({ batchSize: 7, concurrency: 2 }), problem);
    await d.evaluate(genomes(30));
    expect(f.requests.map((r) => r.genomes.length)).toEqual([7, 7, 7, 7, 2]);
    expect(f.maxInFlight()).toBe(2);
  });

  it('splits batches to stay under the payload limit', async () => {
    const f = fake(undefined, 1024 + 9 * 4);
    const d = new Dispatcher(f.evaluator, config({ batchSize: 100 }), problem);
    await d.evaluate(genomes(10));
    expect(
      Math.max(...f.requests.map((r) => JSON.stringify(r.genomes).length)),
    ).toBeLessThanOrEqual(9 * 4 + 2);
    expect(f.requests.length).toBeGreaterThan(1);
  });

  it('caches by genome across calls and within a call, without changing results', async () => {
    const f = fake();
    const d = new Dispatcher(f.evaluator, config(), problem);
    const g = ['000111', '000111', '111111'];
    expect(await d.evaluate(g)).toEqual([3, 3, 6]);
    expect(await d.evaluate(['111111', '000000'])).toEqual([6, 0]);
    expect(d.stats).toMatchObject({ cacheHits: 2, evaluationsSent: 3 });
    const off = new Dispatcher(fake().evaluator, config({ cache: false }), problem);
    expect(await off.evaluate(g)).toEqual([3, 3, 6]);
    expect(off.stats).toMatchObject({ cacheHits: 0, evaluationsSent: 3 });
  });

  it('retries a 503, waiting the Retry-After it was given', async () => {
    const f = fake((n) => {
      if (n === 1)
        throw new EvaluationError('GALAPAGOS_ERR_OVERLOADED', 'busy', {
          status: 503,
          retryable: true,
          retryAfterMs: 300,
        });
    });
    const d = new Dispatcher(f.evaluator, config({ concurrency: 1 }), problem);
    const started = performance.now();
    expect(await d.evaluate(genomes(4))).toEqual(genomes(4).map(ones));
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(d.stats).toMatchObject({ retries: 1, requests: 2 });
  });

  it('re-dispatches a request that outlives the timeout', async () => {
    const f = fake(async (n, signal) => {
      if (n === 1)
        await new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        );
    });
    const d = new Dispatcher(f.evaluator, config({ timeoutMs: 100, concurrency: 1 }), problem);
    expect(await d.evaluate(genomes(3))).toEqual(genomes(3).map(ones));
    expect(d.stats).toMatchObject({ timeouts: 1, retries: 1, requests: 2 });
  });

  it('cancels every request in flight when the caller aborts, without waiting for timeouts', async () => {
    const aborted: boolean[] = [];
    const f = fake(async (_n, signal) => {
      await new Promise((_, reject) =>
        signal.addEventListener('abort', () => {
          aborted.push(true);
          reject(signal.reason);
        }),
      );
    });
    const d = new Dispatcher(f.evaluator, config({ batchSize: 1, concurrency: 8 }), problem);
    const caller = new AbortController();
    setTimeout(() => caller.abort(new Error('stop')), 30);
    const started = performance.now();
    await expect(d.evaluate(genomes(8), { signal: caller.signal })).rejects.toThrow('stop');
    expect(performance.now() - started).toBeLessThan(900);
    expect(aborted).toHaveLength(8);
  });

  it('stops at once on a non-retryable error, with its code', async () => {
    const f = fake(() => {
      throw new EvaluationError('GALAPAGOS_ERR_INVALID_GENOME', 'genome 0 must have length 6', {
        status: 400,
        retryable: false,
      });
    });
    const d = new Dispatcher(f.evaluator, config({ concurrency: 1 }), problem);
    await expect(d.evaluate(genomes(8))).rejects.toMatchObject({
      code: 'GALAPAGOS_ERR_INVALID_GENOME',
    });
    expect(f.requests).toHaveLength(1);
  });

  it('gives up after the retry budget', async () => {
    const f = fake(() => {
      throw new EvaluationError('GALAPAGOS_ERR_UNREACHABLE', 'ECONNREFUSED', { retryable: true });
    });
    const d = new Dispatcher(f.evaluator, config({ retries: 2, concurrency: 1 }), problem);
    await expect(d.evaluate(genomes(2))).rejects.toMatchObject({
      code: 'GALAPAGOS_ERR_UNREACHABLE',
    });
    expect(f.requests).toHaveLength(3);
  });
});

describe('auto batching and target capacity', () => {
  it('sends no more batches at a time than the target has workers', async () => {
    const f = fake();
    const capped = { ...f.evaluator, capacity: 2 };
    const d = new Dispatcher(capped, config({ concurrency: 32 }), problem);
    const g = genomes(30);
    expect(await d.evaluate(g)).toEqual(g.map(ones));
    expect(f.requests.map((r) => r.genomes.length)).toEqual([15, 15]);
  });

  const costly = { ...problem, cost: { ms: 1, mode: 'sleep' as const } };
  it('with a cost, sends each server one request per wave of its threads', async () => {
    const f = fake();
    const d = new Dispatcher({ ...f.evaluator, capacity: 20 }, config({ concurrency: 32 }), costly);
    const g = genomes(20);
    expect(await d.evaluate(g)).toEqual(g.map(ones));
    expect(f.requests.map((r) => r.genomes.length)).toEqual([20]);
    expect(f.requests[0]?.cost).toEqual(costly.cost);
  });

  it('with a cost, splits waves across servers and keeps a wave per request', async () => {
    const f = fake();
    const two = { ...f.evaluator, capacity: 8, servers: 2 };
    const d = new Dispatcher(two, config({ concurrency: 32 }), costly);
    const g = genomes(20);
    expect(await d.evaluate(g)).toEqual(g.map(ones));
    expect(f.requests.map((r) => r.genomes.length)).toEqual([4, 4, 4, 4, 4]);
  });

  it('with a cost but no known capacity, fills the request slots', async () => {
    const f = fake();
    const d = new Dispatcher(f.evaluator, config({ concurrency: 4 }), costly);
    const g = genomes(20);
    expect(await d.evaluate(g)).toEqual(g.map(ones));
    expect(f.requests.map((r) => r.genomes.length)).toEqual([5, 5, 5, 5]);
  });
});

describe('how long a request may go unanswered', () => {
  it('is derived from the cost and the threads, at least 10 s, doubling per timeout, capped', () => {
    const f = fake();
    const costly = { ...problem, cost: { ms: 3000, mode: 'sleep' as const } };
    const d = new Dispatcher(
      { ...f.evaluator, capacity: 20 },
      config({ timeoutMs: 120_000 }),
      costly,
    );
    // 20 genomes on 20 threads: one wave of 3 s, so 12 s; 40 genomes: two waves, 24 s.
    expect(d.requestTimeoutMs(20)).toBe(12_000);
    expect(d.requestTimeoutMs(40)).toBe(24_000);
    // A target that never answered is probably stalled: no doubling.
    expect(d.requestTimeoutMs(20, 1)).toBe(12_000);
    const cheap = new Dispatcher({ ...f.evaluator, capacity: 20 }, config({ timeoutMs: 120_000 }), {
      ...problem,
      cost: { ms: 10, mode: 'sleep' as const },
    });
    expect(cheap.requestTimeoutMs(20)).toBe(10_000);
  });

  it('is the configured timeout while nothing tells what to expect, then follows the replies', async () => {
    const f = fake(() => new Promise((r) => setTimeout(r, 50)));
    const d = new Dispatcher(f.evaluator, config({ timeoutMs: 120_000 }), problem);
    expect(d.requestTimeoutMs(10)).toBe(120_000);
    await d.evaluate(genomes(4));
    expect(d.requestTimeoutMs(10)).toBe(10_000);
    // It has answered: a batch that timed out may just be slow, so the wait doubles.
    expect(d.requestTimeoutMs(10, 2)).toBe(40_000);
    expect(d.requestTimeoutMs(10, 5)).toBe(120_000);
  });
});
