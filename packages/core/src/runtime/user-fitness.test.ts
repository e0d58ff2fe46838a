// What a user's own fitness does on the pool: costs it measures itself, failures it names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvaluationPool, type EvaluationPool } from '../../dist/runtime/index.js';

const faulty = new URL('../../test-fixtures/faulty-problems.mjs', import.meta.url);
const all = (n: number) =>
  Array.from({ length: n }, (_, i) => (i % 16).toString(2).padStart(4, '0'));

describe('user fitness on the pool', () => {
  let pool: EvaluationPool;
  beforeAll(async () => {
    pool = await createEvaluationPool({ threads: 4, problemModules: [faulty], threadMemoryMb: 64 });
  });
  afterAll(() => pool.close());

  it('spreads a costly fitness without a simulated cost over every thread, in one request', async () => {
    // First request: never measured, so assumed costly. Second: measured at 40 ms a genome.
    for (let round = 0; round < 2; round++) {
      const threads = await pool.evaluate({ problem: 'test-slow-thread', genomes: all(8) });
      expect(new Set(threads).size).toBe(4);
    }
  });

  it('keeps a cheap user fitness in few chunks once measured', async () => {
    // The first requests are spread (never measured, then a cold thread's figures).
    for (let i = 0; i < 6; i++) await pool.evaluate({ problem: 'test-batched', genomes: all(64) });
    const before = pool.stats().completed;
    await pool.evaluate({ problem: 'test-batched', genomes: all(64) });
    expect(pool.stats().completed - before).toBe(1);
  });

  it('uses the batch form of a vectorised fitness', async () => {
    expect(await pool.evaluate({ problem: 'test-batched', genomes: ['0111', '0001'] })).toEqual([
      3, 1,
    ]);
  });

  it.each([
    [
      'throws',
      'test-throws',
      ['0001', '0010', '1111'],
      /problem "test-throws", genome 2 \(.*\): fitness threw: fitness exploded/,
    ],
    [
      'returns NaN',
      'test-nan',
      ['0001'],
      /problem "test-nan", genome 0 \(.*\): fitness returned NaN, not a finite number/,
    ],
    [
      'returns a string',
      'test-not-number',
      ['0000', '0011'],
      /problem "test-not-number", genome 1 \(.*\): fitness returned string "three"/,
    ],
    [
      'calls process.exit',
      'test-exits',
      ['1111'],
      /problem "test-exits", genome 0 \(.*\): its worker thread died/,
    ],
    [
      'exhausts its memory',
      'test-memory-hog',
      ['0000', '1111'],
      /problem "test-memory-hog", genomes? .*memory/,
    ],
  ])(
    'names the problem and the genome when the fitness %s, and keeps serving',
    async (_what, problem, genomes, message) => {
      const error = await pool.evaluate({ problem, genomes }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'GALAPAGOS_ERR_EVALUATION_FAILED' });
      expect((error as Error).message).toMatch(message);
      expect(await pool.evaluate({ problem: 'test-batched', genomes: ['1111'] })).toEqual([4]);
      expect(pool.stats().threads).toBe(4);
    },
  );

  it('abandons a fitness that never answers when the caller gives up', async () => {
    const running = pool.evaluate(
      { problem: 'test-hangs', genomes: ['0000'] },
      { signal: AbortSignal.timeout(100) },
    );
    await expect(running).rejects.toMatchObject({ code: 'GALAPAGOS_ERR_ABORTED' });
    expect(await pool.evaluate({ problem: 'test-batched', genomes: ['0011'] })).toEqual([2]);
  });
});
