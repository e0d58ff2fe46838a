/**
 * Suite `floor`: the headline's floor, measured here: the reference experiment (OneMax 10,
 * population 20, 5 generations, 6 rounds) with 300 ms per evaluation (or `--cost-ms N`), each
 * generation sent as one request to a bare `node:http` server with 20 `worker_threads`
 * (`src/floor-server.ts`: no framework, no validation, no retries) whose threads wait with
 * `Atomics.wait`. Reports elapsed ÷ (rounds × cost), median of `--runs` (3) after one first
 * run: what any Node server with 20 threads pays, the line the real server and the CLI are
 * measured against, in busy and sleep alike (a spinning floor on 2 cores would starve its own
 * request thread: 1.11–1.13 here, measuring the machine rather than the floor).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { evolve, type Genome, referenceExperiment } from '@galapagos/core';
import { median, writeResult } from './report.js';

const THREADS = 20;
const server = fileURLToPath(new URL('./floor-server.js', import.meta.url));

/** The floor server (`src/floor-server.ts`) with 20 threads, on a free port. */
export async function startFloorServer(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [server, '0', String(THREADS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout!.setEncoding('utf8'), 'data')) as [string];
  return { url: `http://127.0.0.1:${Number(line.trim())}/`, stop: () => child.kill() };
}

/** One reference experiment through the floor server: elapsed ÷ (rounds × cost). */
export async function floorRatio(url: string, costMs: number): Promise<number> {
  let rounds = 0;
  const started = performance.now();
  await evolve(referenceExperiment({}), {
    evaluate: async (genomes: Genome[]) => {
      rounds++;
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ genomes, ms: costMs }),
      });
      return ((await response.json()) as { fitness: number[] }).fitness;
    },
  });
  return (performance.now() - started) / (rounds * costMs);
}

export async function floorSuite(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { 'cost-ms': { type: 'string' }, runs: { type: 'string' } },
  });
  const costMs = Number(values['cost-ms'] ?? 300);
  const runs = Number(values.runs ?? 3);
  if (!(costMs > 0) || !Number.isSafeInteger(runs) || runs < 1)
    throw new Error('usage: floor [--cost-ms N>0] [--runs N>=1]');
  const floorServer = await startFloorServer();
  const config = referenceExperiment({});
  const ratios: number[] = [];
  try {
    for (let run = 0; run <= runs; run++) {
      const ratio = await floorRatio(floorServer.url, costMs);
      // The first run warms the connection and the threads; it is not counted.
      if (run > 0) ratios.push(ratio);
    }
  } finally {
    floorServer.stop();
  }
  const floor = median(ratios);
  console.table({
    floor: {
      'elapsed / limit (median)': floor.toFixed(4),
      runs: ratios.map((x) => x.toFixed(4)).join(' '),
    },
  });
  console.log(
    `wrote ${writeResult('floor', { experiment: config, costMs, threads: THREADS, runs }, { floor, ratios })}`,
  );
}
