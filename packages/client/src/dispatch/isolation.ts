/**
 * Penalty isolation: a batch some of whose genomes failed on their own (the fitness threw, ran
 * past its deadline or killed its thread) keeps its other genomes' fitness; only the failed
 * genomes are tried again (`run.onError.retries`, default 0), and those that still fail get
 * `run.onError.penalty`, or fail the run with their names. No healthy genome is sent again.
 */
import type { Fitness, GenomeFailure } from '@galapagos/core';
import { EvaluationError, GenomeFailuresError } from '../errors.js';
import type { DispatchEvents, DispatchProblem, DispatchStats, Link } from './types.js';

/** Failures shown by name when the run fails on them. */
const NAMED = 3;

export function isolation(
  problem: DispatchProblem,
  stats: DispatchStats,
  events: DispatchEvents = {},
): Link {
  const { penalty, failureRetries = 0 } = problem;
  return (next) => async (genomes, signal) => {
    try {
      return await next(genomes, signal);
    } catch (error) {
      if (!(error instanceof GenomeFailuresError) || signal.aborted) throw error;
      const fitness = [...error.fitness];
      let failures: readonly GenomeFailure[] = error.failures;
      for (let attempt = 0; attempt < failureRetries && failures.length > 0; attempt++) {
        const at = failures.map((f) => f.index);
        stats.duplicates.failureRetries += at.length;
        try {
          const values = await next(
            at.map((i) => genomes[i]!),
            signal,
          );
          values.forEach((v, j) => {
            fitness[at[j]!] = v;
          });
          failures = [];
        } catch (again) {
          if (!(again instanceof GenomeFailuresError) || signal.aborted) throw again;
          again.fitness.forEach((v, j) => {
            if (v !== null) fitness[at[j]!] = v;
          });
          failures = again.failures.map((f) => ({ ...f, index: at[f.index]! }));
        }
      }
      stats.timedOutGenomes += failures.filter(
        (f) => f.code === 'GALAPAGOS_ERR_EVALUATION_TIMEOUT',
      ).length;
      if (failures.length === 0) return fitness as Fitness[];
      if (penalty === undefined) throw runFailure(failures, failureRetries);
      for (const f of failures) {
        fitness[f.index] = penalty;
        events.onPenalised?.(f, penalty);
      }
      stats.penalised += failures.length;
      return fitness as Fitness[];
    }
  };
}

/** The run's end on genomes that failed without a penalty: each named, and what to do. */
function runFailure(failures: readonly GenomeFailure[], retries: number): EvaluationError {
  const shown = failures.slice(0, NAMED).map((f) => f.message);
  const more = failures.length > NAMED ? `; and ${failures.length - NAMED} more` : '';
  const tried = retries > 0 ? ` (each tried ${retries + 1} times)` : '';
  return new EvaluationError(
    failures[0]!.code,
    `${failures.length} genome${failures.length === 1 ? '' : 's'} failed${tried}: ${shown.join('; ')}${more}. Give failed genomes a fitness and go on with run.onError.penalty, or try them again with run.onError.retries`,
    { retryable: false },
  );
}
