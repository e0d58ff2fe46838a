/**
 * An experiment: one config over many seeds, concurrently over one target, summarised as a
 * paper reports it. Each seed's run is the very run `--seed N` gives alone (fitness is pure,
 * and the engine's course depends only on the config and the seed).
 */

import {
  ConfigError,
  type DispatchConfig,
  type Evaluator,
  engineConfig,
  median,
  type RunConfig,
  type RunOptions,
  runEvolution,
} from '@galapagos/client';
import type { Evaluated, LogbookEntry, ProblemRegistry, StopReason } from '@galapagos/core';

/** Most seeds one experiment takes. */
export const MAX_SEEDS = 10_000;

/** `1..30` (inclusive) or `1,5,9` (or both: `1..3,10`), as a list of distinct integers. */
export function parseSeeds(text: string): number[] {
  const seeds: number[] = [];
  for (const part of text.split(',')) {
    const range = /^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*$/.exec(part);
    const single = /^\s*(-?\d+)\s*$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (to < from || to - from >= MAX_SEEDS) throw new Error(`"${part.trim()}" is not a range`);
      for (let s = from; s <= to; s++) seeds.push(s);
    } else if (single) seeds.push(Number(single[1]));
    else throw new Error(`"${part.trim()}" is neither a seed nor a range like 1..30`);
  }
  if (seeds.some((s) => !Number.isSafeInteger(s))) throw new Error('seeds must be safe integers');
  if (new Set(seeds).size !== seeds.length) throw new Error('a seed is listed twice');
  if (seeds.length > MAX_SEEDS) throw new Error(`at most ${MAX_SEEDS} seeds`);
  return seeds;
}

/** One seed's outcome. */
export interface SeedResult {
  readonly seed: number;
  /** The seed's figure: its best fitness, or for a multi-objective problem its final hypervolume. */
  readonly score: number;
  readonly best: Evaluated;
  readonly evaluations: number;
  /** Evaluations until the logbook first reached the target (undefined: never, or no target). */
  readonly evaluationsToTarget: number | undefined;
  readonly stoppedBy: StopReason;
  readonly logbook: readonly LogbookEntry[];
}

/** What the experiment reports over all seeds. */
export interface ExperimentSummary {
  readonly seeds: number;
  /** What each seed's score is. */
  readonly measure: 'best fitness' | 'hypervolume';
  readonly objective: 'max' | 'min';
  readonly bestMean: number;
  /** Sample standard deviation (n - 1) of the seeds' best fitness. */
  readonly bestSd: number;
  readonly bestMedian: number;
  /** The target success is measured against: `stop.targetFitness`, else the problem's optimum. */
  readonly target: number | undefined;
  readonly successes: number;
  readonly successRate: number | undefined;
  /** Median evaluations to the target over the seeds that reached it. */
  readonly medianEvaluationsToTarget: number | undefined;
  readonly elapsedMs: number;
}

export interface ExperimentResult {
  readonly runs: readonly SeedResult[];
  readonly summary: ExperimentSummary;
}

/** Evaluations spent when the logbook first reached `target` (from its per-generation max/min). */
function evaluationsTo(
  logbook: readonly LogbookEntry[],
  target: number | undefined,
  objective: 'max' | 'min',
): number | undefined {
  if (target === undefined) return undefined;
  let spent = 0;
  for (const entry of logbook) {
    spent += entry.nevals;
    if (objective === 'max' ? entry.max >= target : entry.min <= target) return spent;
  }
  return undefined;
}

export interface ExperimentOptions extends Pick<RunOptions, 'signal' | 'onRetry' | 'onGeneration'> {
  readonly seeds: readonly number[];
  readonly run: RunConfig;
  readonly registry: ProblemRegistry;
  readonly dispatch: DispatchConfig;
  readonly evaluator: Evaluator;
  /** A seed's run finished. */
  readonly onSeed?: (result: SeedResult, done: number) => void;
}

/**
 * Runs every seed concurrently over the evaluator, each with a share of the requests in flight.
 * @throws ConfigError for a problem the registry does not have.
 */
export async function runExperiment(options: ExperimentOptions): Promise<ExperimentResult> {
  const { seeds, run, registry, evaluator } = options;
  const started = performance.now();
  if (!registry.has(run.problem))
    throw new ConfigError('GALAPAGOS_ERR_UNKNOWN_PROBLEM', `unknown problem "${run.problem}"`);
  const { instance } = registry.resolve(run.problem, engineConfig(run).params ?? {});
  const multi = instance.objectives !== undefined;
  // A front is scored by its hypervolume (larger is better) and has no one target fitness.
  const objective = multi ? 'max' : instance.objective;
  const target = multi ? undefined : (run.stop?.targetFitness ?? instance.optimum);
  const dispatch = {
    ...options.dispatch,
    concurrency: Math.max(1, Math.floor(options.dispatch.concurrency / seeds.length)),
  };
  let done = 0;
  const runs = await Promise.all(
    seeds.map(async (seed): Promise<SeedResult> => {
      const result = await runEvolution({
        run: { ...run, seed },
        registry,
        dispatch,
        evaluator,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onRetry ? { onRetry: options.onRetry } : {}),
      });
      const seedResult: SeedResult = {
        seed,
        score: multi ? (result.hypervolume ?? Number.NaN) : result.best.fitness,
        best: result.best,
        evaluations: result.evaluations,
        evaluationsToTarget: evaluationsTo(result.logbook, target, objective),
        stoppedBy: result.stoppedBy,
        logbook: result.logbook,
      };
      options.onSeed?.(seedResult, ++done);
      return seedResult;
    }),
  );
  const bests = runs.map((r) => r.score);
  const mean = bests.reduce((a, b) => a + b, 0) / bests.length;
  const sd =
    bests.length > 1
      ? Math.sqrt(bests.reduce((a, b) => a + (b - mean) ** 2, 0) / (bests.length - 1))
      : 0;
  const reached = runs.flatMap((r) =>
    r.evaluationsToTarget === undefined ? [] : [r.evaluationsToTarget],
  );
  return {
    runs,
    summary: {
      seeds: runs.length,
      measure: multi ? 'hypervolume' : 'best fitness',
      objective,
      bestMean: mean,
      bestSd: sd,
      bestMedian: median(bests)!,
      target,
      successes: reached.length,
      successRate: target === undefined ? undefined : reached.length / runs.length,
      medianEvaluationsToTarget: median(reached),
      elapsedMs: performance.now() - started,
    },
  };
}
