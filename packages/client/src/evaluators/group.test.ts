import type { EvaluateRequest } from '@galapagos/core';
import { describe, expect, it } from 'vitest';
import { EvaluationError } from '../errors.js';
import { createGroupEvaluator } from './group.js';
import type { Evaluator } from './types.js';

/** A member that answers after `ms` (or fails while `failing`), counting what it got. */
function member(capacity: number | undefined, ms = 20) {
  const got: number[] = [];
  let failing = false;
  let inFlight = 0;
  let peak = 0;
  const evaluator: Evaluator = {
    maxBatchBytes: 1024 * 1024,
    capacity,
    async evaluate(request) {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        await new Promise((r) => setTimeout(r, ms));
        if (failing)
          throw new EvaluationError('GALAPAGOS_ERR_UNREACHABLE', 'connection refused', {
            retryable: true,
          });
        got.push(request.genomes.length);
        return request.genomes.map(() => 1);
      } finally {
        inFlight--;
      }
    },
    health: async () => [{ where: 'w', ok: true }],
    problems: async () => [{ where: 'w', problems: [] }],
    close: async () => {},
  };
  return {
    evaluator,
    got,
    peak: () => peak,
    fail: (on: boolean) => {
      failing = on;
    },
  };
}

const batch = (n: number): EvaluateRequest => ({
  problem: 'onemax',
  params: {},
  genomes: Array.from({ length: n }, () => '0101'),
});
const options = { signal: new AbortController().signal };

describe('the group evaluator', () => {
  it('fills the first member up to its slots, and sends only the overflow on', async () => {
    const local = member(4);
    const cloud = member(undefined);
    const group = createGroupEvaluator([
      { name: 'local', evaluator: local.evaluator },
      { name: 'cloud', evaluator: cloud.evaluator },
    ]);
    await Promise.all(Array.from({ length: 10 }, () => group.evaluate(batch(3), options)));
    expect(local.got).toHaveLength(4);
    expect(cloud.got).toHaveLength(6);
    expect(local.peak()).toBe(4);
    // Few batches: the first member takes them all.
    await Promise.all(Array.from({ length: 3 }, () => group.evaluate(batch(2), options)));
    expect(local.got).toHaveLength(7);
    expect(group.members()).toEqual([
      { name: 'local', batches: 7, genomes: 18, failures: 0 },
      { name: 'cloud', batches: 6, genomes: 18, failures: 0 },
    ]);
    // Elastic member, no limit: the group has no fixed capacity.
    expect(group.capacity).toBeUndefined();
    expect(group.servers).toBe(2);
  });

  it('honours maxInFlight, and adds the members’ capacities', async () => {
    const a = member(2);
    const b = member(undefined);
    const group = createGroupEvaluator([
      { name: 'a', evaluator: a.evaluator },
      { name: 'b', evaluator: b.evaluator, maxInFlight: 3 },
    ]);
    expect(group.capacity).toBe(5);
    await Promise.all(Array.from({ length: 10 }, () => group.evaluate(batch(1), options)));
    expect(a.peak()).toBeLessThanOrEqual(2);
    expect(b.peak()).toBeLessThanOrEqual(3);
    expect(a.got.length + b.got.length).toBe(10);
  });

  it('rests a failing member, so the retry lands on another', async () => {
    const local = member(8);
    const cloud = member(undefined);
    const group = createGroupEvaluator([
      { name: 'local', evaluator: local.evaluator },
      { name: 'cloud', evaluator: cloud.evaluator },
    ]);
    local.fail(true);
    const error = await group.evaluate(batch(2), options).catch((e: EvaluationError) => e);
    expect(error).toBeInstanceOf(EvaluationError);
    expect((error as EvaluationError).message).toMatch(/^local: connection refused/);
    expect((error as EvaluationError).retryable).toBe(true);
    // The dispatcher's retry: the local member rests, the cloud takes it.
    await group.evaluate(batch(2), options);
    expect(cloud.got).toEqual([2]);
    expect(group.members()[0]).toMatchObject({ failures: 1, genomes: 0 });
  });

  it('prefixes each member’s servers in problems and health', async () => {
    const group = createGroupEvaluator([
      { name: 'local', evaluator: member(1).evaluator },
      { name: 'cloud', evaluator: member(1).evaluator },
    ]);
    expect((await group.problems(options.signal)).map((p) => p.where)).toEqual([
      'local: w',
      'cloud: w',
    ]);
    expect((await group.health()).map((p) => p.where)).toEqual(['local: w', 'cloud: w']);
  });
});
