/**
 * Suite `cli`: the figures as users get them — a fresh `galapagos run` process for every run,
 * through the installed bin — beside the in-process harness and their anchors, all measured in
 * one run (interleaved where they share the machine's noise):
 *
 * 1. Headline: the reference experiment at `--cost-ms` (300) in busy and sleep: the floor
 *    (bare `node:http` + 20 threads, see `floor.ts`), the harness (this process, warm, against
 *    a warm 20-thread server), the CLI against that server, and the CLI spawning a fresh
 *    server per run. Elapsed ÷ (rounds × cost), medians.
 * 2. Overhead run (OneMax 100, population 1,000, 20 generations): evaluations per second from
 *    the CLI and the harness against a 20-thread server and a default one, and the reference
 *    design itself (gunicorn -w 20 + Flask, DEAP with aiohttp: `python/reference_*.py`).
 * 3. Engine (OneMax 1,000 × 1,000, 100 generations): generations per second from the CLI on
 *    the embedded target, the engine in this process, and DEAP's eaSimple.
 * 4. Memory: peak RSS of the CLI on the embedded target, OneMax 100, three generations, at
 *    population 100,000 (and 1,000,000 with `--million`): bytes per individual.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { createHttpEvaluator, freePort, type LocalServer, type RunConfig } from '@galapagos/client';
import { defaultRegistry, evolve, type Genome, referenceExperiment } from '@galapagos/core';
import { startServer } from '@galapagos/server';
import { parameters as ENGINE } from './engine.js';
import { floorRatio, startFloorServer } from './floor.js';
import { cliRun } from './fresh-cli.js';
import { OVERHEAD_RUN } from './overhead.js';
import { python, startReferenceServer } from './python.js';
import { median, writeResult } from './report.js';
import { runVariant } from './variants.js';

const THREADS = 20;
/** Generations of the memory runs: enough for old populations to become garbage. */
const MEMORY_GENERATIONS = 3;
const targets = (servers: Record<string, string>, spawnUrl: string) => ({
  ...Object.fromEntries(
    Object.entries(servers).map(([name, url]) => [name, { type: 'http', url }]),
  ),
  spawned: { type: 'http', url: spawnUrl, spawn: { workers: THREADS } },
  embedded: { type: 'embedded' },
});

const fixed = (digits: number) => (x: number) => x.toFixed(digits);

export async function cliSuite(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      'cost-ms': { type: 'string' },
      runs: { type: 'string' },
      million: { type: 'boolean' },
      only: { type: 'string' },
    },
  });
  const costMs = Number(values['cost-ms'] ?? 300);
  const runs = Number(values.runs ?? 3);
  const parts = (values.only ?? 'headline,overhead,engine,memory').split(',');
  if (!(costMs > 0) || !Number.isSafeInteger(runs) || runs < 1)
    throw new Error('usage: cli [--cost-ms N>0] [--runs N>=1] [--million] [--only PARTS]');
  const servers: LocalServer[] = [];
  const figures: Record<string, unknown> = {};
  try {
    const twenty = await startServer({ threads: THREADS });
    servers.push(twenty);
    const spawnUrl = `http://127.0.0.1:${await freePort()}`;

    if (parts.includes('headline')) {
      const floorServer = await startFloorServer();
      const http = createHttpEvaluator({
        urls: [twenty.url],
        connections: 64,
        capacity: THREADS,
      });
      const headline: Record<string, Record<string, number[]>> = {};
      try {
        for (const mode of ['busy', 'sleep'] as const) {
          const run: RunConfig = { ...referenceExperiment(), cost: { ms: costMs, mode } };
          const config = { run, targets: targets({ local: twenty.url }, spawnUrl) };
          const ratios: Record<string, number[]> = {
            floor: [],
            harness: [],
            cli: [],
            'cli, spawned server': [],
          };
          // Interleaved; the first round warms the server, the connections and the threads.
          for (let r = 0; r <= runs; r++) {
            const floor = await floorRatio(floorServer.url, costMs);
            const [harness] = await runVariant(
              { name: 'harness', dispatch: {}, evaluator: http },
              run,
              1,
            );
            const local = await cliRun(config, 'local');
            const spawned = await cliRun(config, 'spawned');
            if (r === 0) continue;
            ratios.floor!.push(floor);
            ratios.harness!.push(harness!.elapsedMs / (harness!.logbook.length * costMs));
            ratios.cli!.push(local.elapsedMs / (local.rounds * costMs));
            ratios['cli, spawned server']!.push(spawned.elapsedMs / (spawned.rounds * costMs));
          }
          headline[mode] = ratios;
        }
      } finally {
        await http.close();
        floorServer.stop();
      }
      const table: Record<string, Record<string, string>> = {};
      for (const [mode, ratios] of Object.entries(headline))
        for (const [name, xs] of Object.entries(ratios))
          table[`${mode}: ${name}`] = {
            'elapsed / limit (median)': fixed(4)(median(xs)),
            'over the floor': fixed(4)(median(xs) - median(ratios.floor!)),
            runs: xs.map(fixed(4)).join(' '),
          };
      console.table(table);
      figures.headline = headline;
    }

    if (parts.includes('overhead')) {
      const byDefault = await startServer({});
      servers.push(byDefault);
      const config = {
        run: OVERHEAD_RUN,
        targets: targets({ twenty: twenty.url, default: byDefault.url }, spawnUrl),
      };
      const rows: Record<string, number[]> = {};
      const add = (name: string, x: number) => {
        rows[name] ??= [];
        rows[name]!.push(x);
      };
      for (const [name, server, capacity] of [
        ['twenty', twenty, THREADS],
        ['default', byDefault, availableParallelism()],
      ] as const) {
        const http = createHttpEvaluator({ urls: [server.url], connections: 64, capacity });
        try {
          for (let r = 0; r <= runs; r++) {
            const [harness] = await runVariant(
              { name: 'harness', dispatch: {}, evaluator: http },
              OVERHEAD_RUN,
              1,
            );
            const fresh = await cliRun(config, name);
            if (r === 0) continue;
            add(`harness, ${name} server`, harness!.evalsPerSecond);
            add(`cli, ${name} server`, fresh.evalsPerSecond);
          }
        } finally {
          await http.close();
        }
      }
      const reference = await referenceOverhead();
      const table: Record<string, Record<string, string>> = {};
      for (const [name, xs] of Object.entries(rows))
        table[name] = {
          'evaluations/s (median)': fixed(0)(median(xs)),
          '× reference': typeof reference === 'number' ? fixed(1)(median(xs) / reference) : '—',
        };
      table['reference design (gunicorn -w 20, aiohttp)'] = {
        'evaluations/s (median)': typeof reference === 'number' ? fixed(0)(reference) : reference,
        '× reference': '1',
      };
      console.table(table);
      figures.overhead = { rows, reference };
    }

    if (parts.includes('engine')) {
      const config = {
        run: ENGINE,
        dispatch: { concurrency: availableParallelism() },
        targets: targets({}, spawnUrl),
      };
      const { instance } = defaultRegistry.resolve('onemax', ENGINE.params);
      const harness: number[] = [];
      const fresh: number[] = [];
      for (let r = 0; r <= runs; r++) {
        const started = performance.now();
        await evolve(ENGINE, {
          evaluate: (genomes: Genome[]) => genomes.map((g) => instance.fitness(g) as number),
        });
        const gens = ENGINE.generations + 1;
        const inProcess = (gens * 1000) / (performance.now() - started);
        const run = await cliRun(config, 'embedded');
        if (r === 0) continue;
        harness.push(inProcess);
        fresh.push((gens * 1000) / run.elapsedMs);
      }
      const deap = await python<{ generationsPerSecond: number[] }>('deap_easimple.py', {
        length: ENGINE.params.length,
        population: ENGINE.population,
        generations: 10,
        cxpb: ENGINE.cxpb,
        mutpb: ENGINE.mutpb,
        tournsize: ENGINE.selection.tournsize,
        hallOfFame: ENGINE.hallOfFame,
        runs: 3,
      });
      const deapRate = typeof deap === 'string' ? undefined : median(deap.generationsPerSecond);
      const times = (x: number) => (deapRate ? fixed(1)(x / deapRate) : '—');
      console.table({
        'cli, embedded': {
          'generations/s (median)': fixed(1)(median(fresh)),
          '× DEAP': times(median(fresh)),
        },
        'engine in process': {
          'generations/s (median)': fixed(1)(median(harness)),
          '× DEAP': times(median(harness)),
        },
        'DEAP eaSimple': {
          'generations/s (median)': deapRate ? fixed(2)(deapRate) : String(deap),
          '× DEAP': '1',
        },
      });
      figures.engine = { cli: fresh, harness, deap: deapRate ?? deap };
    }

    if (parts.includes('memory')) {
      const memory: Record<string, { peakRss: number; bytesPerIndividual: number }> = {};
      for (const population of values.million ? [100_000, 1_000_000] : [100_000]) {
        const config = {
          run: { ...OVERHEAD_RUN, population, generations: MEMORY_GENERATIONS },
          targets: targets({}, spawnUrl),
        };
        const run = await cliRun(config, 'embedded');
        memory[String(population)] = {
          peakRss: run.peakRss,
          bytesPerIndividual: run.peakRss / population,
        };
      }
      console.table(
        Object.fromEntries(
          Object.entries(memory).map(([population, m]) => [
            `OneMax 100, population ${Number(population).toLocaleString('en')}`,
            {
              'peak RSS (MiB)': fixed(0)(m.peakRss / 2 ** 20),
              'bytes per individual': fixed(0)(m.bytesPerIndividual),
            },
          ]),
        ),
      );
      figures.memory = memory;
    }
  } finally {
    for (const server of servers) await server.stop();
  }
  if (values.only === undefined)
    console.log(`wrote ${writeResult('cli', { costMs, runs, threads: THREADS }, figures)}`);
}

/** The reference design's overhead run: evaluations per second, or why it did not run. */
async function referenceOverhead(): Promise<number | string> {
  const server = await startReferenceServer(await freePort(), THREADS);
  if (typeof server === 'string') return server;
  try {
    const out = await python<{ evaluationsPerSecond: number[] }>('reference_overhead.py', {
      url: server.url,
      length: (OVERHEAD_RUN.params as { length: number }).length,
      population: OVERHEAD_RUN.population,
      generations: OVERHEAD_RUN.generations,
      cxpb: OVERHEAD_RUN.cxpb,
      mutpb: OVERHEAD_RUN.mutpb,
      tournsize: (OVERHEAD_RUN.selection as { tournsize: number }).tournsize,
      runs: 1,
    });
    return typeof out === 'string' ? out : median(out.evaluationsPerSecond);
  } finally {
    server.stop();
  }
}
