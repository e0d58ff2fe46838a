/**
 * Suite `scale`: the real dispatcher and run loop against a simulated Lambda (see
 * `simulated-lambda.ts`) with 1,000 invocations in flight at batch size 1: the client's CPU
 * per evaluation (the run's, less the engine's own measured on the same run in place and the
 * simulated function's own, measured driving it bare) and its
 * peak RSS. A second variant caps the function at 500 concurrent executions, so that half the
 * invokes are throttled (429 with a retry-after) and retried. Target: dispatch overhead
 * <= 50 µs of client CPU per evaluation.
 */
import { parseArgs } from 'node:util';
import { type RunConfig, runEvolution } from '@galapagos/client';
import { evolve, localEvaluate, referenceExperiment } from '@galapagos/core';
import { writeResult } from './report.js';
import { simulatedLambda } from './simulated-lambda.js';

const IN_FLIGHT = 1000;

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Peak RSS while `work` runs, sampled every 20 ms. */
async function peakRss<T>(work: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const value = await work();
    return { value, peakMb: Math.max(peak, process.memoryUsage().rss) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

export async function scaleSuite(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { population: { type: 'string' }, generations: { type: 'string' } },
  });
  const population = Number(values.population ?? 5000);
  const generations = Number(values.generations ?? 4);
  const run: RunConfig = referenceExperiment({
    params: { length: 100 },
    population,
    generations,
    seed: 7,
  });
  const dispatch = {
    batchSize: 1,
    concurrency: IN_FLIGHT,
    timeoutMs: 120_000,
    retries: 8,
    cache: false,
    speculate: false,
  } as const;

  // The engine alone, in place: what a run costs without any dispatching.
  const engineStart = cpuMs();
  const alone = await evolve(run, { evaluate: localEvaluate() });
  const engineCpuMs = cpuMs() - engineStart;
  const evaluations = alone.logbook.reduce((s, e) => s + e.nevals, 0);

  // The simulated function alone (it runs in this process, a real one would not): the same
  // single-genome invokes, 1000 at a time, without the dispatcher.
  const genomes = alone.state.population.map((i) => i.genome);
  const bare = simulatedLambda({
    concurrency: IN_FLIGHT,
    coldStartMs: 250,
    latencyMs: 50,
    sigma: 0.3,
    retryAfterSeconds: 0.05,
    seed: 1,
  });
  const bareStart = cpuMs();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < evaluations) {
        const genome = genomes[next++ % genomes.length]!;
        await bare.evaluate(
          { problem: 'onemax', params: {}, genomes: [genome] },
          {
            signal: new AbortController().signal,
          },
        );
      }
    }),
  );
  const simulatorCpuMs = cpuMs() - bareStart;

  const rows = [];
  for (const limit of [IN_FLIGHT, IN_FLIGHT / 2]) {
    const lambda = simulatedLambda({
      concurrency: limit,
      coldStartMs: 250,
      latencyMs: 50,
      sigma: 0.3,
      retryAfterSeconds: 0.05,
      seed: 1,
    });
    const started = performance.now();
    const cpuStart = cpuMs();
    const { value: result, peakMb } = await peakRss(() =>
      runEvolution({ run, dispatch, evaluator: lambda }),
    );
    const cpu = cpuMs() - cpuStart;
    if (JSON.stringify(result.logbook) !== JSON.stringify(alone.logbook))
      throw new Error('the dispatched run differs from the run in place');
    const perEval = (cpu * 1000) / evaluations;
    const overhead = ((cpu - engineCpuMs - simulatorCpuMs) * 1000) / evaluations;
    rows.push({
      limit,
      evaluations,
      elapsedS: (performance.now() - started) / 1000,
      peakInFlight: lambda.stats.peakInFlight,
      invokes: lambda.stats.invokes,
      throttled: lambda.stats.throttled,
      coldStarts: lambda.stats.coldStarts,
      retries: result.retries,
      clientCpuUsPerEval: perEval,
      dispatchOverheadUsPerEval: overhead,
      peakRssMb: peakMb,
    });
  }
  console.log(
    `engine alone: ${evaluations} evaluations, ${engineCpuMs.toFixed(0)} ms CPU (${((engineCpuMs * 1000) / evaluations).toFixed(1)} µs per evaluation)`,
  );
  console.log(
    `simulated function alone: ${simulatorCpuMs.toFixed(0)} ms CPU (${((simulatorCpuMs * 1000) / evaluations).toFixed(1)} µs per invoke); dispatch overhead = client CPU − engine − simulator`,
  );
  console.log(
    '| function concurrency | in flight (peak) | invokes | throttled | cold starts | elapsed | client CPU / eval | dispatch overhead / eval | peak RSS |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.limit} | ${r.peakInFlight} | ${r.invokes} | ${r.throttled} | ${r.coldStarts} | ${r.elapsedS.toFixed(2)} s | ${r.clientCpuUsPerEval.toFixed(1)} µs | ${r.dispatchOverheadUsPerEval.toFixed(1)} µs | ${r.peakRssMb.toFixed(0)} MB |`,
    );
  console.log(
    `target: dispatch overhead <= 50 µs per evaluation at batch size 1 with ${IN_FLIGHT} in flight: ${rows[0]!.dispatchOverheadUsPerEval <= 50 ? 'met' : 'NOT met'}`,
  );
  writeResult(
    'scale',
    { run, dispatch, inFlight: IN_FLIGHT },
    { engineCpuMs, simulatorCpuMs, evaluations, rows },
  );
}
