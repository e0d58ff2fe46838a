/**
 * Suite `reference`: the reference design's experiment (OneMax length 10, population 20,
 * 5 generations, tournament 4, hall of fame 3, fixed seed; about 95 evaluations in 6 rounds)
 * with a simulated cost per evaluation (300 ms, or `--cost-ms N`) in each mode, on every
 * target these machines can run. Limit: rounds × cost for busy and sleep;
 * max(rounds × cost, total CPU work / cores) for cpu. Each variant runs in this process (the
 * harness) and, unless `--harness-only`, from fresh `galapagos run` processes (the CLI column).
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import type { RunConfig } from '@galapagos/client';
import { referenceExperiment } from '@galapagos/core';
import { chart } from './chart.js';
import { median, writeResult } from './report.js';
import { openTargets, runVariant, runVariantCli } from './variants.js';

/** Measured runs per variant and mode (after one first run), unless `--runs N`. */
const RUNS = 3;
const MODES = ['busy', 'sleep', 'cpu'] as const;

export async function referenceSuite(args: string[]): Promise<void> {
  const usage = `usage: reference [--cost-ms N>0] [--modes ${MODES.join(',')}] [--only TEXT] [--runs N>=1] [--harness-only]`;
  let values: {
    'cost-ms'?: string;
    modes?: string;
    only?: string;
    runs?: string;
    'harness-only'?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        'cost-ms': { type: 'string' },
        modes: { type: 'string' },
        only: { type: 'string' },
        runs: { type: 'string' },
        'harness-only': { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${usage}`);
  }
  const costMs = Number(values['cost-ms'] ?? 300);
  // A partial run (--modes busy,sleep / --only batched) prints its table but writes nothing.
  const modes = (values.modes?.split(',') ?? MODES) as readonly (typeof MODES)[number][];
  const only = values.only;
  const runs = Number(values.runs ?? RUNS);
  if (
    !(costMs > 0) ||
    !Number.isSafeInteger(runs) ||
    runs < 1 ||
    modes.some((m) => !MODES.includes(m))
  )
    throw new Error(usage);
  const partial = modes.length < MODES.length || only !== undefined;
  const wanted = (name: string) => only === undefined || name.includes(only);
  const run: RunConfig = referenceExperiment();
  const cores = availableParallelism();
  const targets = await openTargets(run.population, {
    docker: wanted('docker'),
    lambda: wanted('lambda'),
    population: run.population,
  });
  const rows: Record<string, unknown>[] = [];
  try {
    for (const mode of modes) {
      for (const variant of targets.variants.filter((v) => wanted(v.name))) {
        // One more run than measured: the first, on cold code paths (V8 compiles lazily and
        // tiers up over the first runs), is kept apart as `firstRun`.
        const [first, ...measured] = (
          await runVariant(variant, { ...run, cost: { ms: costMs, mode } }, runs + 1)
        ).map((result) => ({
          elapsedMs: result.elapsedMs,
          evaluations: result.evaluations,
          rounds: result.logbook.length,
        }));
        const { evaluations, rounds } = first!;
        const limitMs =
          mode === 'cpu'
            ? Math.max(rounds * costMs, (evaluations * costMs) / cores)
            : rounds * costMs;
        const elapsedMs = median(measured.map((x) => x.elapsedMs));
        // The same runs from fresh `galapagos run` processes, as users make them.
        const target = values['harness-only'] ? undefined : variant.target;
        const [cliFirst, ...cliRuns] = target
          ? await runVariantCli(
              { ...variant, target },
              { ...run, cost: { ms: costMs, mode } },
              runs + 1,
            )
          : [];
        const cli = cliFirst && {
          ratio: median(cliRuns.map((x) => x.elapsedMs)) / limitMs,
          firstRun: cliFirst.elapsedMs / limitMs,
          runs: cliRuns.map((x) => x.elapsedMs / limitMs),
        };
        rows.push({
          mode,
          variant: variant.name,
          evaluations,
          rounds,
          elapsedMs,
          limitMs,
          ratio: elapsedMs / limitMs,
          firstRun: { ...first!, ratio: first!.elapsedMs / limitMs },
          runs: measured,
          ...(cli ? { cli } : {}),
        });
        const ratios = measured.map((x) => x.elapsedMs / limitMs);
        console.log(
          `${mode.padEnd(5)} ${variant.name.padEnd(40)} ${evaluations} evals ${rounds} rounds ${(elapsedMs / 1000).toFixed(2)} s / limit ${(limitMs / 1000).toFixed(2)} s = ${(elapsedMs / limitMs).toFixed(3)} (runs ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}, first run ${(first!.elapsedMs / limitMs).toFixed(3)})${cli ? `; CLI ${cli.ratio.toFixed(3)} (runs ${Math.min(...cli.runs).toFixed(3)}–${Math.max(...cli.runs).toFixed(3)}, first ${cli.firstRun.toFixed(3)})` : ''}`,
        );
      }
    }
  } finally {
    await targets.close();
  }
  for (const note of targets.notes) console.log(note);
  console.table(
    rows.map((r) => ({
      mode: r.mode,
      variant: r.variant,
      evaluations: r.evaluations,
      rounds: r.rounds,
      'elapsed s': ((r.elapsedMs as number) / 1000).toFixed(2),
      'limit s': ((r.limitMs as number) / 1000).toFixed(2),
      'elapsed/limit': (r.ratio as number).toFixed(3),
      'first run': (r.firstRun as { ratio: number }).ratio.toFixed(3),
      'CLI elapsed/limit': (r.cli as { ratio: number } | undefined)?.ratio.toFixed(3) ?? '—',
    })),
  );
  if (partial) {
    console.log('partial run (--modes / --only): results not written');
    return;
  }
  const svg = await chart(
    rows.map((r) => ({
      group: String(r.mode),
      label: String(r.variant),
      value: r.ratio as number,
    })),
    {
      title: `Reference experiment, ${costMs} ms per evaluation: elapsed / theoretical limit (1 = the limit)`,
      axis: 'elapsed / limit',
      rule: 1,
    },
  );
  console.log(
    `wrote ${writeResult('reference', { ...run, costMs, runs, cores, notes: targets.notes }, { rows }, svg)}`,
  );
}
