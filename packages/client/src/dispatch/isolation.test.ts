// Penalty isolation and the economy rule at the dispatcher: a failed genome never costs its
// neighbours a second evaluation, and a duplicate never lands on a saturated target.
import type { EvaluateRequest, Fitness, Genome, GenomeFailure } from '@galapagos/core';
import { describe, expect, it } from 'vitest';
import { GenomeFailuresError } from '../errors.js';
import type { Evaluator } from '../evaluators/types.js';
import { Dispatcher } from './dispatcher.js';

const ones = (g: Genome) => [...(g as string)].filter((c) => c === '1').length;
const genomes = (n: number) => Array.from({ length: n }, (_, i) => i.toString(2).padStart(6, '0'));
const config = {
  batchSize: 'auto',
  concurrency: 4,
  timeoutMs: 60_000,
  retries: 3,
  cache: true,
} as const;
const problem = { problem: 'onemax', params: { length: 6 } };

/**
 * A target answering each genome's outcome (as `partial` replies do): `fails(genome, call)`
 * fails a genome on its n-th evaluation. Counts every evaluation of every genome.
 */
function target(
  fails: (genome: string, call: number) => boolean,
  options: { capacity?: number; delayMs?: (g: string) => number; remote?: boolean } = {},
) {
  const calls = new Map<string, number>();
  const requests: EvaluateRequest[] = [];
  const evaluator: Evaluator = {
    maxBatchBytes: Number.POSITIVE_INFINITY,
    ...(options.capacity === undefined ? {} : { capacity: options.capacity }),
    remote: options.remote ?? false,
    problems: async () => [],
    health: async () => [],
    close: async () => {},
    async evaluate(request, { signal }) {
      requests.push(request);
      const fitness: (Fitness | null)[] = [];
      const failures: GenomeFailure[] = [];
      let wait = 1;
      for (const [index, genome] of (request.genomes as string[]).entries()) {
        const call = (calls.get(genome) ?? 0) + 1;
        calls.set(genome, call);
        wait = Math.max(wait, options.delayMs?.(genome) ?? 1);
        if (fails(genome, call)) {
          fitness.push(null);
          failures.push({
            index,
            code: 'GALAPAGOS_ERR_EVALUATION_FAILED',
            message: `genome ${index} (${genome}): fitness threw`,
          });
        } else fitness.push(ones(genome));
      }
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, wait);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(signal.reason);
        });
      });
      if (failures.length > 0) throw new GenomeFailuresError(fitness, failures);
      return fitness as Fitness[];
    },
  };
  return { evaluator, calls, requests };
}

describe('penalty isolation', () => {
  const failing = new Set(['000011', '010101', '111111']);

  it('gives failed genomes the penalty and sends no genome twice', async () => {
    const t = target((g) => failing.has(g));
    const d = new Dispatcher(t.evaluator, config, { ...problem, penalty: -1 });
    const g = genomes(64);
    const fitness = await d.evaluate(g);
    expect(fitness).toEqual(g.map((x) => (failing.has(x) ? -1 : ones(x))));
    expect([...t.calls.values()].every((n) => n === 1)).toBe(true);
    expect(t.calls.size).toBe(64);
    expect(d.stats).toMatchObject({
      requested: 64,
      distinct: 64,
      evaluationsSent: 64,
      penalised: 3,
      duplicates: { transport: 0, speculation: 0, failureRetries: 0 },
    });
    // Every request asks for each genome's outcome.
    expect(t.requests.every((r) => r.partial === true)).toBe(true);
  });

  it('tries only the failed genomes again with onError.retries, alone', async () => {
    // Each failing genome fails on its first call only: a flaky fitness.
    const t = target((g, call) => failing.has(g) && call === 1);
    const d = new Dispatcher(t.evaluator, config, { ...problem, failureRetries: 2 });
    const g = genomes(64);
    expect(await d.evaluate(g)).toEqual(g.map(ones));
    for (const [genome, n] of t.calls) expect(n).toBe(failing.has(genome) ? 2 : 1);
    expect(d.stats.duplicates.failureRetries).toBe(3);
    expect(d.stats.penalised).toBe(0);
  });

  it('fails the run without a penalty, naming the failed genomes and what to do', async () => {
    const t = target((g) => failing.has(g));
    const d = new Dispatcher(t.evaluator, { ...config, batchSize: 64 }, problem);
    await expect(d.evaluate(genomes(64))).rejects.toMatchObject({
      code: 'GALAPAGOS_ERR_EVALUATION_FAILED',
      message: expect.stringMatching(
        /^3 genomes failed: genome 3 \(000011\): fitness threw; .*run\.onError\.penalty.*run\.onError\.retries/,
      ),
    });
    expect(t.calls.size).toBe(64);
  });
});

describe('speculation on idle capacity only', () => {
  it('sends no duplicate while every thread of the target is busy, even to a straggler', async () => {
    // A server with two threads gets the generation in two requests (auto batching); the one
    // holding a slow genome straggles while its genomes hold both threads.
    const t = target(() => false, {
      capacity: 2,
      remote: true,
      delayMs: (g) => (g === '000001' ? 400 : 20),
    });
    const d = new Dispatcher(
      t.evaluator,
      { ...config, concurrency: 8, speculate: { factor: 2, minMs: 0 } },
      problem,
    );
    await d.evaluate(genomes(24));
    expect(t.requests.map((r) => r.genomes.length)).toEqual([12, 12]);
    expect(d.stats.speculated).toBe(0);
    expect([...t.calls.values()].every((n) => n === 1)).toBe(true);
  });

  it('duplicates a straggler once threads are idle', async () => {
    let first = true;
    const t = target(() => false, {
      capacity: 8,
      remote: true,
      delayMs: (g) => {
        if (g === '000001' && first) {
          first = false;
          return 2000;
        }
        return 20;
      },
    });
    const d = new Dispatcher(
      t.evaluator,
      { ...config, batchSize: 1, concurrency: 8, speculate: { factor: 2, minMs: 0 } },
      problem,
    );
    await d.evaluate(genomes(8));
    expect(d.stats.speculated).toBe(1);
    expect(d.stats.duplicates.speculation).toBe(1);
  });
});
