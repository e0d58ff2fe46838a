/**
 * Suite `overhead`: OneMax length 100, population 1000, 20 generations, no cost: evaluations
 * per second on each target (median of 3), in this process and from fresh `galapagos run`
 * processes, against the reference design's ~2,000/s (the `cli` suite measures the reference
 * itself in the same run).
 */

import { availableParallelism } from 'node:os';
import type { RunConfig } from '@galapagos/client';
import { chart } from './chart.js';
import { median, writeResult } from './report.js';
import { openTargets, runVariant, runVariantCli } from './variants.js';

const RUNS = 3;
const REFERENCE_EVALS_PER_SECOND = 2000;

/** The overhead run: OneMax 100, population 1000, 20 generations, no cost. */
export const OVERHEAD_RUN: RunConfig = {
  problem: 'onemax',
  params: { length: 100 },
  population: 1000,
  generations: 20,
  cxpb: 0.9,
  mutpb: 0.1,
  selection: { name: 'selTournament', tournsize: 3 },
  hallOfFame: 1,
  seed: 1,
};

export async function overheadSuite(): Promise<void> {
  const run = OVERHEAD_RUN;
  const targets = await openTargets(availableParallelism(), {
    docker: false,
    lambda: true,
    population: 32,
  });
  const rows: Record<string, unknown>[] = [];
  try {
    for (const variant of targets.variants) {
      if (variant.name.startsWith('sequential')) continue;
      const runs = (await runVariant(variant, run, RUNS)).map((result) => result.evalsPerSecond);
      const evalsPerSecond = median(runs);
      // The same run from fresh `galapagos run` processes, as users make it.
      const { target } = variant;
      const cliRuns = target
        ? (await runVariantCli({ ...variant, target }, run, RUNS)).map((r) => r.evalsPerSecond)
        : [];
      const cli = cliRuns.length > 0 ? median(cliRuns) : undefined;
      rows.push({
        variant: variant.name,
        evalsPerSecond,
        timesReference: evalsPerSecond / REFERENCE_EVALS_PER_SECOND,
        runs,
        ...(cli === undefined ? {} : { cli: { evalsPerSecond: cli, runs: cliRuns } }),
      });
      console.log(
        `${variant.name.padEnd(40)} ${evalsPerSecond.toFixed(0)} evaluations/s = ${(evalsPerSecond / REFERENCE_EVALS_PER_SECOND).toFixed(1)}x${cli === undefined ? '' : `; CLI ${cli.toFixed(0)}/s = ${(cli / REFERENCE_EVALS_PER_SECOND).toFixed(1)}x`}`,
      );
    }
  } finally {
    await targets.close();
  }
  const svg = await chart(
    rows.map((r) => ({
      group: 'overhead',
      label: String(r.variant),
      value: r.timesReference as number,
    })),
    {
      title:
        'Overhead run (OneMax 100, population 1000, no cost): evaluations/s ÷ reference 2,000/s',
      axis: '× reference',
      rule: 50,
    },
  );
  console.log(
    `wrote ${writeResult('overhead', { ...run, runs: RUNS, referenceEvalsPerSecond: REFERENCE_EVALS_PER_SECOND }, { rows }, svg)}`,
  );
}
