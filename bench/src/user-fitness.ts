/**
 * Suite `user-fitness`: a user's own problem module with a real 200 ms fitness and no
 * simulated cost (async, CPU-bound, and a Python program), 32 genomes a generation on a
 * 16-thread pool, embedded and through a local server: elapsed per generation against the
 * ideal ceil(nevals / 16) × 200 ms (for the CPU-bound fitness, no less than its CPU work
 * divided by this machine's cores; for Python, plus the measured interpreter start-up, which
 * is CPU work too: no less than the start-ups divided by the cores).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createEmbeddedEvaluator,
  createHttpEvaluator,
  type Evaluator,
  type RunConfig,
  runEvolution,
} from '@galapagos/client';
import { loadRegistry } from '@galapagos/core/runtime';
import { startServer } from '@galapagos/server';
import { cliRun } from './fresh-cli.js';
import { median, writeResult } from './report.js';

const THREADS = 16;
const COST_MS = 200;
const POPULATION = 32;
const GENERATIONS = 3;
const RUNS = 3;

/** The user's project: three problems with a 200 ms fitness each. */
function writeProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'galapagos-bench-user-'));
  writeFileSync(
    join(dir, 'fitness.ts'),
    `import { defineProblem } from '@galapagos/core';
import { defineCommandProblem, threadCpuMs } from '@galapagos/core/runtime';

const genome = { kind: 'binary', length: 32 } as const;
const ones = (g: string) => [...g].filter((c) => c === '1').length;

/** The CPU-bound work: n square roots (a pure function of n). */
function work(n: number) {
  let x = 0;
  for (let i = 0; i < n; i++) x += Math.sqrt(i);
  return x;
}
/**
 * Iterations of work() that take ${COST_MS} ms of a core, measured once per thread by this
 * thread's own CPU time (the threads calibrate at once, sharing the cores).
 */
let iterations = 0;
const cpuNow = () => threadCpuMs() ?? performance.now();
function calibrate() {
  let n = 100_000;
  for (;;) {
    const started = cpuNow();
    work(n);
    const ms = cpuNow() - started;
    if (ms > 50) return Math.round((n * ${COST_MS}) / ms);
    n *= 2;
  }
}

export const problems = [
  defineProblem({
    id: 'async-200', title: 'async 200 ms', description: 'Waits 200 ms (a remote simulator).',
    params: { type: 'object', properties: {} },
    instantiate: () => ({ genome, objective: 'max', fitness: async (g) => {
      await new Promise((r) => setTimeout(r, ${COST_MS}));
      return ones(g as string);
    } }),
  }),
  defineProblem({
    id: 'cpu-200', title: 'CPU 200 ms', description: '200 ms of CPU work on an idle core.',
    params: { type: 'object', properties: {} },
    instantiate: () => ({ genome, objective: 'max', fitness: (g) => {
      if (iterations === 0) iterations = calibrate();
      return ones(g as string) + (work(iterations) > 0 ? 0 : 1);
    } }),
  }),
  defineCommandProblem({
    id: 'python-200', genome, objective: 'max', cwd: import.meta.dirname,
    command: ['python3', '-c', 'import json, sys, time; g = json.load(sys.stdin); time.sleep(${COST_MS / 1000}); print(g.count("1"))'],
  }),
];
`,
  );
  return join(dir, 'fitness.ts');
}

/** Median wall time of starting python3 and exiting, ms. */
function pythonStartMs(): number {
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    execFileSync('python3', ['-c', 'import json, sys, time']);
    times.push(performance.now() - started);
  }
  return median(times);
}

export async function userFitnessSuite(): Promise<void> {
  const module = writeProject();
  const registry = await loadRegistry([module]);
  const startMs = pythonStartMs();
  const cores = availableParallelism();
  const server = await startServer({
    workers: THREADS,
    env: { GALAPAGOS_PROBLEMS: module, GALAPAGOS_WORKER_NICE: '0' },
  });
  const http = createHttpEvaluator({ urls: [server.url], connections: 32, capacity: THREADS });
  // Batch size per variant: auto, or the whole generation in one request (the server's pool
  // alone then spreads it over its threads).
  const variants: [string, Evaluator, 'auto' | number][] = [
    [
      'embedded',
      await createEmbeddedEvaluator({ threads: THREADS, problemModules: [module] }),
      'auto',
    ],
    ['local server (auto)', http, 'auto'],
    ['local server (1 request)', http, POPULATION],
  ];
  // The config targets that have `galapagos run` evaluate as each variant does.
  const targetOf: Record<string, object> = {
    embedded: { type: 'embedded', workers: THREADS },
    'local server (auto)': { type: 'http', url: server.url },
    'local server (1 request)': { type: 'http', url: server.url },
  };
  const rows: Record<string, unknown>[] = [];
  try {
    for (const problem of ['async-200', 'cpu-200', 'python-200'])
      for (const [variant, evaluator, batchSize] of variants) {
        const ratios: number[] = [];
        const cliRatios: number[] = [];
        const perGeneration: number[] = [];
        /** The ideal of a run whose generations evaluated `nevals` genomes each. */
        const idealOf = (nevals: readonly number[]) =>
          nevals.reduce((sum, n) => {
            const rounds = Math.ceil(n / THREADS);
            // CPU work cannot finish faster than this machine's cores allow: the CPU-bound
            // fitness, and the interpreter start-up of each Python process.
            return (
              sum +
              (problem === 'cpu-200'
                ? Math.max(rounds * COST_MS, (n * COST_MS) / cores)
                : problem === 'python-200'
                  ? Math.max(rounds * (COST_MS + startMs), (n * startMs) / cores)
                  : rounds * COST_MS)
            );
          }, 0);
        let ideal = 0;
        for (let run = 0; run < RUNS; run++) {
          const config: RunConfig = {
            problem,
            problems: [module],
            population: POPULATION,
            generations: GENERATIONS,
            cxpb: 0.9,
            mutpb: 0.1,
            selection: { name: 'selTournament', tournsize: 3 },
            hallOfFame: 1,
            seed: run + 1,
          };
          // No cache: every genome asked for is evaluated, so nevals is the work done.
          const dispatch = {
            batchSize,
            concurrency: 32,
            timeoutMs: 120_000,
            retries: 2,
            cache: false,
          };
          const result = await runEvolution({ run: config, registry, dispatch, evaluator });
          const idealMs = idealOf(result.logbook.map((entry) => entry.nevals));
          ratios.push(result.elapsedMs / idealMs);
          perGeneration.push(result.elapsedMs / (GENERATIONS + 1));
          ideal = idealMs / (GENERATIONS + 1);
          // The same run from a fresh `galapagos run` process, as users make it.
          const fresh = await cliRun(
            { run: config, dispatch, targets: { bench: targetOf[variant] } },
            'bench',
          );
          cliRatios.push(fresh.elapsedMs / idealOf(fresh.nevals));
        }
        const ratio = median(ratios);
        rows.push({
          problem,
          variant,
          elapsedPerGenerationMs: median(perGeneration),
          idealPerGenerationMs: ideal,
          ratio,
          ratios,
          cli: { ratio: median(cliRatios), ratios: cliRatios },
        });
        console.log(
          `${problem.padEnd(11)} ${variant.padEnd(20)} ${median(perGeneration).toFixed(0).padStart(6)} ms/generation, ideal ${ideal.toFixed(0).padStart(5)} ms: ${ratio.toFixed(3)} x ideal (runs ${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)}); CLI ${median(cliRatios).toFixed(3)} (runs ${Math.min(...cliRatios).toFixed(3)}-${Math.max(...cliRatios).toFixed(3)})`,
        );
      }
  } finally {
    for (const evaluator of new Set(variants.map(([, e]) => e))) await evaluator.close();
    await server.stop();
  }
  console.log(
    `python3 start-up (median of 7): ${startMs.toFixed(1)} ms, counted in python-200's ideal`,
  );
  console.log(
    `wrote ${writeResult('user-fitness', { threads: THREADS, costMs: COST_MS, population: POPULATION, generations: GENERATIONS, runs: RUNS, cores }, { pythonStartMs: startMs, rows })}`,
  );
}
