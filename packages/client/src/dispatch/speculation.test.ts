import type { Genome } from '@galapagos/core';
import { describe, expect, it } from 'vitest';
import type { Evaluator } from '../evaluators/types.js';
import { Dispatcher } from './dispatcher.js';
import { StragglerWatch } from './speculation.js';

const ones = (g: Genome) => [...(g as string)].filter((c) => c === '1').length;
const genomes = (n: number) => Array.from({ length: n }, (_, i) => i.toString(2).padStart(6, '0'));
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason ?? new Error('aborted'));
    });
  });

/** Replicas as one evaluator: the first request of the batch holding genome 0 stalls. */
function replicas(remote: boolean) {
  const cancelled: number[] = [];
  let calls = 0;
  let stalledOnce = false;
  const evaluator: Evaluator = {
    maxBatchBytes: Number.POSITIVE_INFINITY,
    remote,
    problems: async () => [],
    health: async () => [],
    close: async () => {},
    async evaluate(request, { signal }) {
      const call = ++calls;
      const straggler = request.genomes.includes('000000') && !stalledOnce;
      if (straggler) stalledOnce = true;
      try {
        await sleep(straggler ? 5000 : 30, signal);
      } catch (error) {
        cancelled.push(call);
        throw error;
      }
      return request.genomes.map((g) => ones(g as Genome));
    },
  };
  return { evaluator, cancelled, calls: () => calls };
}

const config = {
  batchSize: 4,
  concurrency: 8,
  timeoutMs: 60_000,
  retries: 2,
  cache: false,
} as const;
const problem = { problem: 'onemax', params: { length: 6 } };

describe('speculative re-dispatch', () => {
  it('sends a straggling batch again; the first reply wins and the late one is cancelled', async () => {
    const { evaluator, cancelled } = replicas(true);
    const dispatcher = new Dispatcher(
      evaluator,
      { ...config, speculate: { factor: 2, minMs: 0 } },
      problem,
    );
    const started = performance.now();
    const fitness = await dispatcher.evaluate(genomes(16));
    expect(fitness).toEqual(genomes(16).map(ones));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(dispatcher.stats).toMatchObject({ speculated: 1, speculationWins: 1 });
    expect(cancelled).toHaveLength(1);
  });

  it('is off by default where a duplicate would land on the same pool (embedded)', async () => {
    const { evaluator } = replicas(false);
    const dispatcher = new Dispatcher(evaluator, { ...config, timeoutMs: 60_000 }, problem);
    const run = dispatcher.evaluate(genomes(8));
    await new Promise((r) => setTimeout(r, 300));
    expect(dispatcher.stats.speculated).toBe(0);
    await run;
  }, 10_000);

  it('waits for a finished batch before judging any (no median yet, no duplicate)', async () => {
    const watch = new StragglerWatch({ factor: 2, minMs: 0 }, () => true, {
      onDuplicate: () => {
        throw new Error('no duplicate expected');
      },
      onDuplicateWon: () => {},
    });
    expect(watch.threshold()).toBeUndefined();
    const value = await watch.run(async () => 7, new AbortController().signal);
    expect(value).toBe(7);
    expect(watch.threshold()).toBeGreaterThanOrEqual(0);
  });

  it('passes the run being cancelled on to the attempt running', async () => {
    const watch = new StragglerWatch({ factor: 2, minMs: 0 }, () => true, {
      onDuplicate: () => {},
      onDuplicateWon: () => {},
    });
    const run = new AbortController();
    const reason = new Error('run cancelled');
    const result = watch.run(
      (signal) =>
        new Promise<number>((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        ),
      run.signal,
    );
    run.abort(reason);
    await expect(result).rejects.toBe(reason);
  });

  it('leaves a batch that answered without a duplicate unaborted (nothing to cancel)', async () => {
    const watch = new StragglerWatch({ factor: 2, minMs: 0 }, () => true, {
      onDuplicate: () => {},
      onDuplicateWon: () => {},
    });
    let seen: AbortSignal | undefined;
    await watch.run(async (signal) => {
      seen = signal;
      return 1;
    }, new AbortController().signal);
    expect(seen?.aborted).toBe(false);
  });

  it('fails when every attempt has failed, with the last error', async () => {
    const watch = new StragglerWatch({ factor: 1, minMs: 0 }, () => true, {
      onDuplicate: () => {},
      onDuplicateWon: () => {},
    });
    await expect(
      watch.run(async () => {
        throw new Error('evaluation failed');
      }, new AbortController().signal),
    ).rejects.toThrow('evaluation failed');
  });
});
