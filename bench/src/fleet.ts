/**
 * Suite `fleet`: a worker fleet on Redis (BullMQ), against a local HTTP server with as many
 * threads, measured in the same run:
 * - the reference experiment (300 ms `sleep` per evaluation, or `--cost-ms N`) through
 *   2 workers × 10 threads: elapsed ÷ theoretical limit (rounds × cost);
 * - the overhead run (OneMax 100, population 1000, 20 generations, no cost): evaluations/s.
 * Each in this process and from fresh `galapagos run` processes (the CLI column).
 * Needs Debian's redis-server (started here on a free port and stopped after).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createHttpEvaluator, createQueueEvaluator, type RunConfig } from '@galapagos/client';
import { redisSettings, referenceExperiment } from '@galapagos/core';
import { startServer } from '@galapagos/server';
import { startRedis } from '../../packages/core/test-fixtures/redis.mjs';
import { chart } from './chart.js';
import { OVERHEAD_RUN } from './overhead.js';
import { median, writeResult } from './report.js';
import { runVariant, runVariantCli, type Variant } from './variants.js';

const WORKERS = 2;
const THREADS = 10;
const RUNS = 3;
const workerMain = fileURLToPath(
  new URL('../../packages/server/dist/worker-main.js', import.meta.url),
);

export async function fleetSuite(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { 'cost-ms': { type: 'string' }, runs: { type: 'string' } },
  });
  const costMs = Number(values['cost-ms'] ?? 300);
  const runs = Number(values.runs ?? RUNS);
  if (!(costMs > 0) || !Number.isSafeInteger(runs) || runs < 1)
    throw new Error('usage: fleet [--cost-ms N>0] [--runs N>=1]');

  const closers: (() => Promise<void>)[] = [];
  const rows: Record<string, unknown>[] = [];
  try {
    const redis = await startRedis();
    closers.push(() => redis.stop());
    const queue = `bench-${process.pid}`;
    const workers: ChildProcess[] = [];
    for (let i = 0; i < WORKERS; i++) {
      const child = spawn(process.execPath, [workerMain], {
        env: {
          ...process.env,
          GALAPAGOS_REDIS_URL: redis.url,
          GALAPAGOS_QUEUE: queue,
          GALAPAGOS_WORKERS: String(THREADS),
          GALAPAGOS_LOG_LEVEL: 'silent',
        },
        stdio: 'ignore',
      });
      workers.push(child);
      closers.push(async () => {
        child.kill('SIGTERM');
        await once(child, 'exit');
      });
    }
    const fleet = await createQueueEvaluator({
      redis: redisSettings(redis.url, process.env),
      queue,
      maxBatchBytes: 16 * 1024 * 1024,
    });
    closers.push(() => fleet.close());
    while (fleet.workers().length < WORKERS) await new Promise((r) => setTimeout(r, 100));

    const server = await startServer({ threads: WORKERS * THREADS });
    closers.push(() => server.stop());
    const http = createHttpEvaluator({
      urls: [server.url],
      connections: 64,
      capacity: WORKERS * THREADS,
    });
    closers.push(() => http.close());

    const variants = [
      {
        name: `queue, ${WORKERS} workers × ${THREADS} threads`,
        dispatch: {},
        evaluator: fleet,
        target: { type: 'queue', url: redis.url, queue },
      },
      {
        name: `local HTTP server, ${WORKERS * THREADS} threads`,
        dispatch: {},
        evaluator: http,
        target: { type: 'http', url: server.url },
      },
    ] satisfies Variant[];

    const reference: RunConfig = { ...referenceExperiment(), cost: { ms: costMs, mode: 'sleep' } };
    for (const variant of variants) {
      const [, ...measured] = await runVariant(variant, reference, runs + 1);
      const rounds = measured[0]!.logbook.length;
      const limitMs = rounds * costMs;
      const ratios = measured.map((r) => r.elapsedMs / limitMs);
      const ratio = median(ratios);
      // The same runs from fresh `galapagos run` processes, as users make them.
      const [, ...fresh] = await runVariantCli(variant, reference, runs + 1);
      const cliRatios = fresh.map((r) => r.elapsedMs / limitMs);
      const cli = median(cliRatios);
      rows.push({
        run: 'reference',
        variant: variant.name,
        rounds,
        limitMs,
        ratio,
        ratios,
        cli: { ratio: cli, ratios: cliRatios },
      });
      console.log(
        `reference ${variant.name.padEnd(36)} ${rounds} rounds, limit ${(limitMs / 1000).toFixed(2)} s: elapsed/limit ${ratio.toFixed(3)} (runs ${ratios.map((r) => r.toFixed(3)).join(', ')}); CLI ${cli.toFixed(3)} (runs ${cliRatios.map((r) => r.toFixed(3)).join(', ')})`,
      );
    }

    const overhead = OVERHEAD_RUN;
    for (const variant of variants) {
      const [, ...measured] = await runVariant(variant, overhead, runs + 1);
      const perSecond = median(measured.map((r) => r.evalsPerSecond));
      const [, ...fresh] = await runVariantCli(variant, overhead, runs + 1);
      const cli = median(fresh.map((r) => r.evalsPerSecond));
      rows.push({
        run: 'overhead',
        variant: variant.name,
        evalsPerSecond: perSecond,
        cli: { evalsPerSecond: cli, runs: fresh.map((r) => r.evalsPerSecond) },
      });
      console.log(
        `overhead  ${variant.name.padEnd(36)} ${perSecond.toFixed(0)} evaluations/s; CLI ${cli.toFixed(0)}/s`,
      );
    }
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
  }
  const svg = await chart(
    rows
      .filter((r) => r.run === 'reference')
      .map((r) => ({ group: 'reference', label: String(r.variant), value: r.ratio as number })),
    {
      title: `Reference experiment, ${costMs} ms sleep per evaluation: elapsed / theoretical limit`,
      axis: 'elapsed / limit',
      rule: 1.02,
    },
  );
  console.log(
    `wrote ${writeResult('fleet', { costMs, runs, workers: WORKERS, threads: THREADS }, { rows }, svg)}`,
  );
}
