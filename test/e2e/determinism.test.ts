// The determinism contract across targets and dispatch settings, over real sockets.
import {
  createEmbeddedEvaluator,
  createHttpEvaluator,
  type Evaluator,
  runEvolution,
} from '@galapagos/client';
import { buildApp } from '@galapagos/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frontOutcome, multiObjectiveRun } from '../../packages/core/test-fixtures/adapters.mjs';
import { dispatch, outcome, run } from './helpers.js';

type FastifyInstance = ReturnType<typeof buildApp>;

let server: FastifyInstance;
let url: string;
let embedded: Evaluator;
let reference: Awaited<ReturnType<typeof runEvolution>>;

beforeAll(async () => {
  server = buildApp({ logLevel: false, threads: 2 });
  url = await server.listen({ host: '127.0.0.1', port: 0 });
  embedded = await createEmbeddedEvaluator({ threads: 2 });
  reference = await runEvolution({ run: run(), dispatch: dispatch(), evaluator: embedded });
});
afterAll(async () => {
  await embedded.close();
  await server.close();
});

describe('the same seed gives the same run everywhere', () => {
  const variants = [1, 7, 'auto' as const].flatMap((batchSize) =>
    [1, 100].flatMap((concurrency) =>
      [true, false].map((cache) => ({ batchSize, concurrency, cache })),
    ),
  );

  it.each(variants)(
    'local server, batch $batchSize, concurrency $concurrency, cache $cache',
    async (settings) => {
      const evaluator = createHttpEvaluator({ urls: [url], connections: settings.concurrency });
      try {
        const result = await runEvolution({ run: run(), dispatch: dispatch(settings), evaluator });
        expect(outcome(result)).toBe(outcome(reference));
        expect(result.evaluations).toBe(reference.evaluations);
        if (settings.cache) expect(result.evaluationsSent).toBeLessThan(result.evaluations);
        else expect(result.evaluationsSent).toBe(result.evaluations);
      } finally {
        await evaluator.close();
      }
    },
  );

  it('two servers sharing one run give the same result, and both evaluate', async () => {
    const second = buildApp({ logLevel: false, threads: 1 });
    const secondUrl = await second.listen({ host: '127.0.0.1', port: 0 });
    const evaluator = createHttpEvaluator({ urls: [url, secondUrl], connections: 4 });
    try {
      const result = await runEvolution({
        run: run(),
        dispatch: dispatch({ batchSize: 3 }),
        evaluator,
      });
      expect(outcome(result)).toBe(outcome(reference));
      const evaluated = async (app: FastifyInstance) =>
        Number(
          /galapagos_evaluations_total\{problem="onemax"\} (\d+)/.exec(
            (await app.inject('/metrics')).body,
          )?.[1] ?? 0,
        );
      expect(await evaluated(second)).toBeGreaterThan(0);
    } finally {
      await evaluator.close();
      await second.close();
    }
  });

  it('minimisation problems agree across targets too', async () => {
    const tsp = run({ problem: 'tsp', params: {}, population: 30, generations: 5 });
    const evaluator = createHttpEvaluator({ urls: [url], connections: 8 });
    try {
      const [a, b] = [
        await runEvolution({ run: tsp, dispatch: dispatch({ batchSize: 7 }), evaluator }),
        await runEvolution({ run: tsp, dispatch: dispatch({ cache: false }), evaluator: embedded }),
      ];
      expect(outcome(a)).toBe(outcome(b));
    } finally {
      await evaluator.close();
    }
  });

  it.each([
    ['zdt1 (2 objectives)', multiObjectiveRun()],
    ['dtlz2 (3 objectives)', multiObjectiveRun({ problem: 'dtlz2', params: { k: 4 } })],
  ])('NSGA-II on %s: fitness vectors over HTTP give the embedded front', async (_, multi) => {
    const evaluator = createHttpEvaluator({ urls: [url], connections: 8 });
    try {
      const [a, b] = [
        await runEvolution({ run: multi, dispatch: dispatch({ batchSize: 5 }), evaluator }),
        await runEvolution({
          run: multi,
          dispatch: dispatch({ cache: false }),
          evaluator: embedded,
        }),
      ];
      expect(a.logbook.at(-1)!.hypervolume).toBeGreaterThan(0);
      expect(frontOutcome(a)).toBe(frontOutcome(b));
    } finally {
      await evaluator.close();
    }
  });
});
