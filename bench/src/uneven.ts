/**
 * Suite `uneven`: expensive fitness whose cost varies, as simulations' does.
 *
 * 1. Lognormal costs (median 200 ms, sigma 1, drawn from a hash of each genome) on 20 worker
 *    threads, 2,000 evaluations (population 200, 9 generations after the first, no cache),
 *    generational and steady-state (20 in flight): elapsed against the floor (total cost ÷
 *    workers), the utilisation, and the time to reach a fitness of 48. A generational run
 *    waits for its slowest genome every generation; a steady-state one keeps every worker busy.
 * 2. A frozen replica: two local servers share a run (300 ms sleep per genome) and one of them
 *    is frozen with SIGSTOP for 20 s in the middle of generation 3. Per-generation times with
 *    speculative re-dispatch (the default for HTTP targets) and without it, where the stalled
 *    batch waits for its request timeout; the logbook is checked identical to the fault-free run.
 */
import {
  createHttpEvaluator,
  type Evaluator,
  type LocalServer,
  type RunConfig,
  runEvolution,
} from '@galapagos/client';
import { type Genome, genomeKey } from '@galapagos/core';
import { genomeCostMs } from '@galapagos/core/runtime';
import { startServer } from '@galapagos/server';
import { writeResult } from './report.js';

const WORKERS = 20;

/** Fitness a run must reach for the time-to-target figure (OneMax 64). */
const TARGET = 48;

async function unevenCosts(algorithm: 'simple' | 'steady-state') {
  const server = await startServer({ threads: WORKERS, env: { GALAPAGOS_MAX_COST_MS: '20000' } });
  const http = createHttpEvaluator({ urls: [server.url], connections: 64, capacity: WORKERS });
  const cost = { ms: 200, mode: 'sleep' as const, sigma: 1 };
  // Every genome sent pays its cost: their sum over the workers is the floor.
  let totalCostMs = 0;
  const evaluator: Evaluator = {
    ...http,
    evaluate: (request, options) => {
      for (const g of request.genomes) totalCostMs += genomeCostMs(cost, genomeKey(g as Genome));
      return http.evaluate(request, options);
    },
  };
  try {
    const run: RunConfig = {
      problem: 'onemax',
      params: { length: 64 },
      population: 200,
      generations: 9,
      cxpb: 0.9,
      mutpb: 0.2,
      hallOfFame: 1,
      seed: 1,
      cost,
      ...(algorithm === 'steady-state'
        ? { algorithm: { name: 'steady-state' as const, inFlight: WORKERS } }
        : {}),
    };
    const started = performance.now();
    let toTargetMs: number | undefined;
    const result = await runEvolution({
      run,
      evaluator,
      dispatch: {
        batchSize: 1,
        concurrency: 64,
        timeoutMs: 120_000,
        retries: 4,
        cache: false,
        speculate: false,
      },
      onGeneration: (entry) => {
        if (toTargetMs === undefined && entry.max >= TARGET)
          toTargetMs = performance.now() - started;
      },
    });
    const elapsedMs = performance.now() - started;
    const floorMs = totalCostMs / WORKERS;
    return {
      evaluations: result.evaluations,
      elapsedMs,
      floorMs,
      ratio: elapsedMs / floorMs,
      utilisation: result.utilisation,
      toTargetMs,
      best: result.best.fitness,
    };
  } finally {
    await http.close();
    await server.stop();
  }
}

async function frozenReplica(speculate: boolean) {
  const servers: LocalServer[] = [
    await startServer({ threads: 2 }),
    await startServer({ threads: 2 }),
  ];
  const evaluator = createHttpEvaluator({
    urls: servers.map((s) => s.url),
    connections: 4,
    capacity: 4,
  });
  const run: RunConfig = {
    problem: 'onemax',
    params: { length: 32 },
    population: 16,
    generations: 6,
    cxpb: 0.9,
    mutpb: 0.2,
    hallOfFame: 1,
    seed: 3,
    cost: { ms: 300, mode: 'sleep' },
  };
  const generationMs: number[] = [];
  let last = performance.now();
  let thaw: NodeJS.Timeout | undefined;
  try {
    const result = await runEvolution({
      run,
      evaluator,
      dispatch: {
        batchSize: 2,
        concurrency: 4,
        timeoutMs: 60_000,
        retries: 4,
        cache: false,
        speculate: speculate ? { factor: 2, minMs: 100 } : false,
      },
      onProgress: (generation, done) => {
        // Freeze the second server a little into generation 3, for 20 s.
        if (generation === 3 && done > 0 && thaw === undefined) {
          process.kill(servers[1]!.pid!, 'SIGSTOP');
          thaw = setTimeout(() => process.kill(servers[1]!.pid!, 'SIGCONT'), 20_000);
        }
      },
      onGeneration: () => {
        const now = performance.now();
        generationMs.push(now - last);
        last = now;
      },
    });
    return { generationMs, logbook: result.logbook, speculated: result.speculated };
  } finally {
    if (thaw) {
      clearTimeout(thaw);
      process.kill(servers[1]!.pid!, 'SIGCONT');
    }
    await evaluator.close();
    await Promise.all(servers.map((s) => s.stop()));
  }
}

export async function unevenSuite(): Promise<void> {
  const generational = await unevenCosts('simple');
  const steady = await unevenCosts('steady-state');
  const row = (r: typeof generational) => ({
    evaluations: r.evaluations,
    'elapsed s': (r.elapsedMs / 1000).toFixed(2),
    'floor s (cost ÷ workers)': (r.floorMs / 1000).toFixed(2),
    'elapsed / floor': r.ratio.toFixed(3),
    utilisation: r.utilisation?.toFixed(3) ?? '-',
    [`s to fitness ${TARGET}`]: r.toTargetMs === undefined ? '-' : (r.toTargetMs / 1000).toFixed(2),
    best: r.best,
  });
  console.table({ generational: row(generational), 'steady-state': row(steady) });
  const withSpeculation = await frozenReplica(true);
  const without = await frozenReplica(false);
  const normal = (g: number[]) => [...g.slice(0, 3), ...g.slice(5)].sort((a, b) => a - b)[2]!;
  const rows: Record<string, object> = {};
  for (const [name, r] of [
    ['speculation', withSpeculation],
    ['no speculation', without],
  ] as const)
    rows[name] = {
      'normal generation ms (median)': normal(r.generationMs).toFixed(0),
      'stalled generation ms': r.generationMs[3]!.toFixed(0),
      'stalled / normal': (r.generationMs[3]! / normal(r.generationMs)).toFixed(2),
      duplicates: r.speculated,
    };
  console.table(rows);
  const identical = JSON.stringify(withSpeculation.logbook) === JSON.stringify(without.logbook);
  console.log(`logbooks identical with and without speculation: ${identical}`);
  console.log(
    `wrote ${writeResult('uneven', { workers: WORKERS, target: TARGET }, { generational, steady, frozen: { speculation: withSpeculation.generationMs, none: without.generationMs, identical } })}`,
  );
}
