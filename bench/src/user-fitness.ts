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

/**
 * The Python modes side by side: a trivial fitness (throughput: what each mode costs per
 * evaluation), and a simulator that takes 300 ms to start and 20 ms per call (what
 * `persistent` saves: the start-up once per thread instead of once per genome).
 */
function writePythonModes(): string {
  const dir = mkdtempSync(join(tmpdir(), 'galapagos-bench-python-'));
  writeFileSync(
    join(dir, 'sim.py'),
    `import json, os, sys, time
params = json.loads(os.environ.get("GALAPAGOS_PARAMS", "{}"))
time.sleep(params.get("startMs", 0) / 1000)
def fitness(genome):
    time.sleep(params.get("callMs", 0) / 1000)
    return genome.count("1")
mode = sys.argv[1]
if mode == "persistent":
    for line in sys.stdin:
        print(fitness(json.loads(line)), flush=True)
elif mode == "batch":
    print(json.dumps([fitness(g) for g in json.load(sys.stdin)]))
else:
    print(fitness(json.load(sys.stdin)))
`,
  );
  const params = `params: { type: 'object', properties: { startMs: { type: 'number', default: 0 }, callMs: { type: 'number', default: 0 } } }`;
  writeFileSync(
    join(dir, 'modes.ts'),
    `import { defineCommandProblem } from '@galapagos/core/runtime';
const common = { genome: { kind: 'binary', length: 32 }, objective: 'max', cwd: import.meta.dirname, ${params} } as const;
export const problems = (['genome', 'batch', 'persistent'] as const).map((mode) =>
  defineCommandProblem({ ...common, id: 'py-' + mode, mode, command: ['python3', 'sim.py', mode] }),
);
`,
  );
  return join(dir, 'modes.ts');
}

/** Throughput of each Python mode, and persistent against genome with a slow start-up. */
async function pythonModes(): Promise<Record<string, unknown>> {
  const module = writePythonModes();
  const registry = await loadRegistry([module]);
  // A pool per run: a persistent program started by an earlier run would hide its start-up.
  const pool = () => createEmbeddedEvaluator({ threads: THREADS, problemModules: [module] });
  const dispatch = {
    batchSize: 'auto',
    concurrency: 32,
    timeoutMs: 120_000,
    retries: 2,
    cache: false,
  } as const;
  const run = async (problem: string, params: Record<string, unknown>, population: number) => {
    const evaluator = await pool();
    try {
      return await runEvolution({
        run: {
          problem,
          problems: [module],
          params,
          population,
          generations: GENERATIONS,
          cxpb: 0.9,
          mutpb: 0.1,
          selection: { name: 'selTournament', tournsize: 3 },
          hallOfFame: 1,
          seed: 1,
        },
        registry,
        dispatch,
        evaluator,
      });
    } finally {
      await evaluator.close();
    }
  };
  const throughput: Record<string, number> = {};
  for (const mode of ['genome', 'batch', 'persistent']) {
    const rates: number[] = [];
    for (let r = 0; r < RUNS; r++) rates.push((await run(`py-${mode}`, {}, 64)).evalsPerSecond);
    throughput[mode] = median(rates);
    console.log(
      `python ${mode.padEnd(10)} trivial fitness: ${throughput[mode]!.toFixed(0)} evaluations/s (median of ${RUNS})`,
    );
  }
  const slow = { startMs: 300, callMs: 20 };
  const elapsed: Record<string, number[]> = { genome: [], persistent: [] };
  for (let r = 0; r < RUNS; r++)
    for (const mode of ['genome', 'persistent'])
      elapsed[mode]!.push((await run(`py-${mode}`, slow, POPULATION)).elapsedMs);
  const ratio = median(elapsed.persistent!) / median(elapsed.genome!);
  console.log(
    `python start-up 300 ms + 20 ms a call: persistent ${median(elapsed.persistent!).toFixed(0)} ms, genome ${median(elapsed.genome!).toFixed(0)} ms: ${ratio.toFixed(3)} x`,
  );
  return { throughput, slowStart: { ...slow, elapsed, ratio } };
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

/**
 * `--only python` runs only the Python modes; `--only cpu-200` (or another problem) only that
 * problem's rows. A partial run prints its figures and writes nothing.
 */
export async function userFitnessSuite(options: readonly string[] = []): Promise<void> {
  const at = options.indexOf('--only');
  const only = at >= 0 ? options[at + 1] : undefined;
  if (only === 'python') {
    await pythonModes();
    return;
  }
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
    embedded: { type: 'embedded', threads: THREADS },
    'local server (auto)': { type: 'http', url: server.url },
    'local server (1 request)': { type: 'http', url: server.url },
  };
  const rows: Record<string, unknown>[] = [];
  try {
    for (const problem of ['async-200', 'cpu-200', 'python-200'].filter(
      (p) => only === undefined || p === only,
    ))
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
  if (only !== undefined) return;
  const python = await pythonModes();
  console.log(
    `wrote ${writeResult('user-fitness', { threads: THREADS, costMs: COST_MS, population: POPULATION, generations: GENERATIONS, runs: RUNS, cores }, { pythonStartMs: startMs, rows, python })}`,
  );
}
