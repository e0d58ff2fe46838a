/**
 * Suite `server`: the fitness server under autocannon, server in its own process.
 * - `POST /v1/evaluate`, OneMax length 100, batches of 100 and of 1, no cost: requests/s,
 *   evaluations/s, latency p50/p99.
 * - `GET /health` latency p99 while every worker thread runs `cpu` cost.
 */
import { availableParallelism } from 'node:os';
import { Random } from '@galapagos/core';
import { startServer } from '@galapagos/server';
import autocannon from 'autocannon';
import { median, writeResult } from './report.js';

const RUNS = 3;
const DURATION_S = 4;
const CONNECTIONS = 16;

function genomes(count: number, length: number, rng: Random): string[] {
  return Array.from({ length: count }, () =>
    Array.from({ length }, () => (rng.next() < 0.5 ? '0' : '1')).join(''),
  );
}

async function cannon(options: autocannon.Options) {
  const result = await autocannon({ duration: DURATION_S, connections: CONNECTIONS, ...options });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(
      `${result.non2xx} non-2xx replies and ${result.errors} errors in ${options.url}`,
    );
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}

export async function serverSuite(): Promise<void> {
  const workers = availableParallelism();
  const server = await startServer({ workers });
  const rng = Random.fromSeed(1);
  const figures: Record<string, unknown> = {};
  try {
    for (const batch of [100, 1]) {
      const body = JSON.stringify({
        problem: 'onemax',
        params: { length: 100 },
        genomes: genomes(batch, 100, rng),
      });
      const runs = [];
      for (let r = 0; r < RUNS; r++)
        runs.push(
          await cannon({
            url: `${server.url}/v1/evaluate`,
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          }),
        );
      const requestsPerSecond = median(runs.map((x) => x.requestsPerSecond));
      figures[`evaluate_batch_${batch}`] = {
        requestsPerSecond,
        evaluationsPerSecond: requestsPerSecond * batch,
        p50Ms: median(runs.map((x) => x.p50Ms)),
        p99Ms: median(runs.map((x) => x.p99Ms)),
        runs,
      };
    }

    // Keep every worker busy with cpu cost while /health is measured.
    let loading = true;
    const load = async () => {
      while (loading)
        await fetch(`${server.url}/v1/evaluate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            problem: 'onemax',
            params: { length: 10 },
            cost: { ms: 200, mode: 'cpu' },
            genomes: genomes(workers, 10, rng),
          }),
        }).then((r) => r.arrayBuffer());
    };
    const loaders = Array.from({ length: 2 }, load);
    const runs = [];
    for (let r = 0; r < RUNS; r++)
      runs.push(await cannon({ url: `${server.url}/health`, connections: 4 }));
    loading = false;
    await Promise.all(loaders);
    figures.health_under_cpu_load = {
      requestsPerSecond: median(runs.map((x) => x.requestsPerSecond)),
      p50Ms: median(runs.map((x) => x.p50Ms)),
      p99Ms: median(runs.map((x) => x.p99Ms)),
      runs,
    };
  } finally {
    await server.stop();
  }

  const b100 = figures.evaluate_batch_100 as {
    requestsPerSecond: number;
    evaluationsPerSecond: number;
    p50Ms: number;
    p99Ms: number;
  };
  const b1 = figures.evaluate_batch_1 as typeof b100;
  const health = figures.health_under_cpu_load as { p50Ms: number; p99Ms: number };
  console.table({
    'evaluate, batch 100': {
      'req/s': b100.requestsPerSecond.toFixed(0),
      'evals/s': b100.evaluationsPerSecond.toFixed(0),
      'p50 ms': b100.p50Ms,
      'p99 ms': b100.p99Ms,
    },
    'evaluate, batch 1': {
      'req/s': b1.requestsPerSecond.toFixed(0),
      'evals/s': b1.evaluationsPerSecond.toFixed(0),
      'p50 ms': b1.p50Ms,
      'p99 ms': b1.p99Ms,
    },
    '/health, all workers on cpu cost': {
      'req/s': '',
      'evals/s': '',
      'p50 ms': health.p50Ms,
      'p99 ms': health.p99Ms,
    },
  });
  const parameters = {
    workers,
    runs: RUNS,
    durationSeconds: DURATION_S,
    connections: CONNECTIONS,
    problem: 'onemax',
    length: 100,
  };
  console.log(`wrote ${writeResult('server', parameters, figures)}`);
}
