import { describe, expect, it } from 'vitest';
import { createEmbeddedEvaluator } from './evaluators/embedded.js';
import { utilisationOf } from './run.js';

describe('worker utilisation', () => {
  it('is busy time ÷ (threads × elapsed) on a scripted schedule', () => {
    let busy = 1000;
    const evaluator = { capacity: 4, busyMs: () => busy };
    // 4 threads for 2 s: 8 thread-seconds; 6 of them busy.
    busy += 6000;
    expect(utilisationOf(evaluator, 1000, 2000)).toBeCloseTo(0.75, 12);
    expect(utilisationOf({ capacity: 4 }, 0, 2000)).toBeUndefined();
    expect(utilisationOf({ busyMs: () => 5 }, 0, 2000)).toBeUndefined();
  });

  it('measures a real pool: full when every thread has work, half when one of two idles', async () => {
    const evaluator = await createEmbeddedEvaluator({ threads: 2 });
    try {
      const request = (n: number) => ({
        problem: 'onemax',
        params: { length: 8 },
        cost: { ms: 100, mode: 'sleep' as const },
        genomes: Array.from({ length: n }, (_, i) => i.toString(2).padStart(8, '0')),
      });
      const signal = new AbortController().signal;
      await evaluator.evaluate(request(2), { signal }); // warm
      let before = evaluator.busyMs!();
      let started = performance.now();
      await evaluator.evaluate(request(8), { signal });
      const full = utilisationOf(evaluator, before, performance.now() - started)!;
      expect(full).toBeGreaterThan(0.8);
      expect(full).toBeLessThanOrEqual(1.02);
      before = evaluator.busyMs!();
      started = performance.now();
      await evaluator.evaluate(request(1), { signal });
      const half = utilisationOf(evaluator, before, performance.now() - started)!;
      // One thread of two: never more than half. Less on a busy machine, whose hop to the
      // thread and back adds to the elapsed time (the measure is of the pool, not the load).
      expect(half).toBeLessThanOrEqual(0.51);
      expect(half).toBeGreaterThan(0.25);
    } finally {
      await evaluator.close();
    }
  });
});
