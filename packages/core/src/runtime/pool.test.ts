// The pool runs compiled worker threads, so these tests load the build (turbo builds first).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../dist/index.js';
import {
  calibrateCpu,
  createEvaluationPool,
  type EvaluationPool,
} from '../../dist/runtime/index.js';
import { workerFile } from '../../dist/runtime/pool.js';

const faulty = new URL('../../test-fixtures/faulty-problems.mjs', import.meta.url);
const bits = (n: number, count: number) =>
  Array.from({ length: count }, (_, i) => (i % 2 ** n).toString(2).padStart(n, '0'));

describe('evaluation pool', () => {
  let pool: EvaluationPool;
  beforeAll(async () => {
    pool = await createEvaluationPool({ threads: 4, maxQueue: 8, problemModules: [faulty] });
  });
  afterAll(() => pool.close());

  it('returns the same fitness as in-process evaluation, in genome order', async () => {
    const genomes = bits(10, 1000);
    const expected = genomes.map((g) =>
      defaultRegistry.resolve('onemax', { length: 10 }).instance.fitness(g),
    );
    expect(await pool.evaluate({ problem: 'onemax', params: { length: 10 }, genomes })).toEqual(
      expected,
    );
    const tour = Array.from({ length: 52 }, (_, i) => i);
    expect(await pool.evaluate({ problem: 'tsp', genomes: [tour] })).toEqual([
      defaultRegistry.resolve('tsp').instance.fitness(tour),
    ]);
  });

  it('refuses bad input before it reaches a thread', async () => {
    await expect(
      pool.evaluate({ problem: 'onemax', params: { length: 4 }, genomes: ['0101', '01'] }),
    ).rejects.toMatchObject({ code: 'GALAPAGOS_ERR_INVALID_GENOME' });
    await expect(pool.evaluate({ problem: 'nope', genomes: ['0'] })).rejects.toMatchObject({
      code: 'GALAPAGOS_ERR_UNKNOWN_PROBLEM',
    });
    await expect(
      pool.evaluate({
        problem: 'onemax',
        params: { length: 1 },
        genomes: ['0'],
        cost: { ms: 1, mode: 'nap' as never },
      }),
    ).rejects.toMatchObject({ code: 'GALAPAGOS_ERR_INVALID_COST' });
  });

  it('spreads a costly batch over the threads, one genome per thread at a time', async () => {
    for (const mode of ['sleep', 'busy'] as const) {
      const started = performance.now();
      await pool.evaluate({
        problem: 'onemax',
        params: { length: 4 },
        cost: { ms: 60, mode },
        genomes: bits(4, 8),
      });
      const elapsed = performance.now() - started;
      // 8 genomes on 4 threads: two rounds of 60 ms, never one (that would overlap costs).
      expect(elapsed).toBeGreaterThanOrEqual(115);
      if (mode === 'sleep') expect(elapsed).toBeLessThan(8 * 60);
    }
  });

  it('makes a chunk that waited for a thread pay its whole cost, from when the thread frees up', async () => {
    const started = performance.now();
    const ends = await Promise.all(
      bits(4, 5).map((genome) =>
        pool
          .evaluate({
            problem: 'onemax',
            params: { length: 4 },
            cost: { ms: 60, mode: 'sleep' },
            genomes: [genome],
          })
          .then(() => performance.now() - started),
      ),
    );
    // Four threads: four requests end after one cost, the queued fifth after two.
    expect(Math.max(...ends)).toBeGreaterThanOrEqual(119);
  });

  it('turns a throwing fitness into a coded failure and keeps serving', async () => {
    await expect(
      pool.evaluate({ problem: 'test-throws', genomes: ['0001', '1111'] }),
    ).rejects.toMatchObject({
      code: 'GALAPAGOS_ERR_EVALUATION_FAILED',
      message: expect.stringMatching(/fitness exploded/),
    });
    expect(await pool.evaluate({ problem: 'test-throws', genomes: ['0011'] })).toEqual([2]);
  });

  it('survives a worker thread that dies mid-batch and replaces it', async () => {
    await expect(
      pool.evaluate({ problem: 'test-exits', genomes: ['1111', '0000', '0001'] }),
    ).rejects.toMatchObject({ code: 'GALAPAGOS_ERR_EVALUATION_FAILED' });
    const after = await pool.evaluate({ problem: 'test-exits', genomes: bits(4, 15) });
    expect(after).toHaveLength(15);
    expect(pool.stats().threads).toBe(4);
  });

  it('refuses a non-finite fitness', async () => {
    await expect(pool.evaluate({ problem: 'test-nan', genomes: ['0000'] })).rejects.toMatchObject({
      code: 'GALAPAGOS_ERR_EVALUATION_FAILED',
    });
  });

  it('refuses work at once when the queue is full, then recovers', async () => {
    const slow = () =>
      pool.evaluate({
        problem: 'onemax',
        params: { length: 4 },
        cost: { ms: 150, mode: 'sleep' },
        genomes: bits(4, 4),
      });
    const running = [slow(), slow(), slow()]; // 4 running + 8 queued: the queue is full
    await new Promise((r) => setTimeout(r, 20));
    expect(pool.stats()).toMatchObject({ busy: 4, queued: 8 });
    await expect(slow()).rejects.toMatchObject({ code: 'GALAPAGOS_ERR_OVERLOADED' });
    await Promise.all(running);
    expect(await slow()).toHaveLength(4);
  });

  it('abandons work when aborted', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const running = pool.evaluate(
      {
        problem: 'onemax',
        params: { length: 4 },
        cost: { ms: 5000, mode: 'busy' },
        genomes: bits(4, 4),
      },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 50);
    await expect(running).rejects.toMatchObject({ code: 'GALAPAGOS_ERR_ABORTED' });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(
      await pool.evaluate({ problem: 'onemax', params: { length: 4 }, genomes: ['1111'] }),
    ).toEqual([4]);
  });

  it('admits chunks that start at once on idle threads, whatever the queue limit', async () => {
    for (const maxQueue of [0, 2]) {
      const small = await createEvaluationPool({ threads: 4, maxQueue, calibration: 1 });
      try {
        const sleepy = {
          problem: 'onemax',
          params: { length: 4 },
          cost: { ms: 10, mode: 'sleep' as const },
          genomes: bits(4, 3),
        };
        expect(await small.evaluate(sleepy)).toEqual([0, 1, 1]);
        expect(
          await small.evaluate({ problem: 'onemax', params: { length: 4 }, genomes: ['0111'] }),
        ).toEqual([3]);
        // Busy threads: now only maxQueue more chunks may wait.
        const running = small.evaluate({
          ...sleepy,
          cost: { ms: 300, mode: 'sleep' },
          genomes: bits(4, 4),
        });
        await new Promise((r) => setTimeout(r, 50));
        await expect(
          small.evaluate({ ...sleepy, genomes: bits(4, maxQueue + 1) }),
        ).rejects.toMatchObject({ code: 'GALAPAGOS_ERR_OVERLOADED' });
        await running;
      } finally {
        await small.close();
      }
    }
  });

  it('refuses work once closed', async () => {
    const other = await createEvaluationPool({ threads: 1, calibration: 1 });
    await other.close();
    await expect(
      other.evaluate({ problem: 'onemax', params: { length: 1 }, genomes: ['1'] }),
    ).rejects.toMatchObject({ code: 'GALAPAGOS_ERR_POOL_CLOSED' });
  });
});

describe('worker entry', () => {
  it('is a CommonJS file that require() loads without the ES module loader', () => {
    // A thread terminated inside require(esm) aborts the process on Node 20; a .cjs entry
    // never takes that path.
    expect(workerFile.pathname.endsWith('.cjs')).toBe(true);
    const entry: unknown = createRequire(import.meta.url)(workerFile.pathname);
    expect(typeof (entry as { default?: unknown }).default).toBe('function');
    // An ES module namespace (what require(esm) returns) prints as [object Module].
    expect(Object.prototype.toString.call(entry)).toBe('[object Object]');
  });
});

describe('worker priority', () => {
  const niceOfThreads = () =>
    readdirSync(`/proc/${process.pid}/task`).map((tid) => {
      const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'latin1');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    });
  it.runIf(existsSync('/proc/self/task'))(
    'runs the worker threads, and only them, at the asked nice increment',
    async () => {
      const before = niceOfThreads().filter((n) => n === 7).length;
      const pool = await createEvaluationPool({ threads: 2, niceIncrement: 7 });
      try {
        expect(niceOfThreads().filter((n) => n === 7).length - before).toBe(2);
        expect(niceOfThreads()[0]).toBe(0);
      } finally {
        await pool.close();
      }
    },
  );
});

describe('cpu cost calibration', () => {
  it('measures a positive rate of work per millisecond', () => {
    expect(calibrateCpu(5, 2)).toBeGreaterThan(100);
  });
});

describe('cancellation before start', () => {
  it('refuses an already aborted request with the coded error', async () => {
    const pool = await createEvaluationPool({ threads: 1, calibration: 1 });
    try {
      await expect(
        pool.evaluate(
          { problem: 'onemax', params: { length: 1 }, genomes: ['1'] },
          { signal: AbortSignal.abort() },
        ),
      ).rejects.toMatchObject({ code: 'GALAPAGOS_ERR_ABORTED' });
    } finally {
      await pool.close();
    }
  });
});

describe('a lazy pool', () => {
  it('starts no thread for a cheap shipped batch, and all it needs at once for a costly one', async () => {
    const pool = await createEvaluationPool({ threads: 4, lazy: true, calibration: 1 });
    try {
      expect(pool.stats().started).toBe(0);
      expect(
        await pool.evaluate({ problem: 'onemax', params: { length: 8 }, genomes: ['01010101'] }),
      ).toEqual([4]);
      expect(pool.stats().started).toBe(0);
      const started = performance.now();
      const fitness = await pool.evaluate({
        problem: 'onemax',
        params: { length: 4 },
        cost: { ms: 300, mode: 'sleep' },
        genomes: ['0001', '0011', '0111', '1111'],
      });
      expect(fitness).toEqual([1, 2, 3, 4]);
      expect(pool.stats().started).toBe(4);
      // Four threads in parallel: one 300 ms round (plus their start), not four.
      expect(performance.now() - started).toBeLessThan(1100);
    } finally {
      await pool.close();
    }
  });
});

describe('small cost-free batches', () => {
  it('are evaluated on the calling thread for shipped problems, and on the threads otherwise', async () => {
    const pool = await createEvaluationPool({
      threads: 1,
      problemModules: [faulty],
      calibration: 1,
    });
    try {
      const before = pool.stats().completed;
      expect(
        await pool.evaluate({ problem: 'onemax', params: { length: 8 }, genomes: ['01010101'] }),
      ).toEqual([4]);
      expect(pool.stats().completed).toBe(before);
      await pool.evaluate({
        problem: 'onemax',
        params: { length: 8 },
        cost: { ms: 1, mode: 'sleep' },
        genomes: ['01010101'],
      });
      await pool.evaluate({ problem: 'test-throws', genomes: ['0011'] });
      await pool.evaluate({
        problem: 'onemax',
        params: { length: 4096 },
        genomes: ['1'.repeat(4096)],
      });
      expect(pool.stats().completed).toBe(before + 3);
    } finally {
      await pool.close();
    }
  });

  it('move to the calling thread once a bigger batch of a shipped problem measures no faster on the threads', async () => {
    // One thread: the hop can only add to the work. inlineMaxMs (its own test below) is set out
    // of reach: a busy machine can make this batch's measure pass the default 20 ms.
    const pool = await createEvaluationPool({ threads: 1, calibration: 1, inlineMaxMs: 60_000 });
    try {
      const batch = {
        problem: 'onemax',
        params: { length: 1000 },
        genomes: Array.from({ length: 100 }, (_, i) => (i % 2 ? '1' : '0').repeat(1000)),
      };
      const expected = batch.genomes.map((g) => (g[0] === '1' ? 1000 : 0));
      const before = pool.stats().completed;
      // 100,000 genes, never measured: to the threads, where it is measured.
      expect(await pool.evaluate(batch)).toEqual(expected);
      const threaded = pool.stats().completed;
      expect(threaded).toBeGreaterThan(before);
      // Measured: the threads' wall time includes the fitness time measured in them, so the
      // next batch runs in place. (Later ones compare the in-place measure with the threads':
      // on a machine busy enough to slow the in-place run, the threads may win again.)
      expect(await pool.evaluate(batch)).toEqual(expected);
      expect(pool.stats().completed).toBe(threaded);
      // Another genome length is another measure: to the threads again.
      await pool.evaluate({
        problem: 'onemax',
        params: { length: 4096 },
        genomes: ['1'.repeat(4096)],
      });
      expect(pool.stats().completed).toBeGreaterThan(threaded);
    } finally {
      await pool.close();
    }
  });

  it('run in place up to inlineMaxMs when the threads measured no faster', async () => {
    // 60 million bits: some 60-200 ms of fitness (more on a busy machine), over the default 20 ms.
    const batch = {
      problem: 'onemax',
      params: { length: 1000 },
      genomes: Array.from({ length: 60_000 }, (_, i) => (i % 2 ? '1' : '0').repeat(1000)),
    };
    // 60 s: out of reach however busy the machine (the threads run niced, and measure slower).
    for (const [inlineMaxMs, inPlace] of [
      [undefined, false],
      [60_000, true],
    ] as const) {
      const pool = await createEvaluationPool({
        threads: 1,
        calibration: 1,
        ...(inlineMaxMs === undefined ? {} : { inlineMaxMs }),
      });
      try {
        // Measured on the thread first (never measured, many genes), then decided (later
        // batches compare the in-place measure with the threads', which load can tip).
        await pool.evaluate(batch);
        const measured = pool.stats().completed;
        await pool.evaluate(batch);
        expect(pool.stats().completed === measured).toBe(inPlace);
      } finally {
        await pool.close();
      }
    }
  });
});
