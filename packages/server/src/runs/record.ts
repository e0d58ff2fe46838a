/**
 * A run held by a server (`POST /v1/runs`): what was asked, where it stands, and the engine
 * state after its last generation, so a restarted server resumes it. Plain JSON: the stores
 * write it whole after every generation.
 */

import type { DispatchConfig, GenerationStats, RunConfig, RunResult } from '@galapagos/client';
import type { EngineState, Evaluated, LogbookEntry, StopReason } from '@galapagos/core';

export type { GenerationStats };

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A run that will not change any more. */
export const isFinished = (status: RunStatus): boolean =>
  status === 'succeeded' || status === 'failed' || status === 'cancelled';

/** How a finished run ended (the result `galapagos run --json` prints, without its state). */
export interface RunOutcome {
  readonly best: Evaluated<number | readonly number[]> | null;
  readonly hallOfFame: readonly Evaluated<number | readonly number[]>[];
  readonly stoppedBy: StopReason;
  readonly evaluations: number;
  readonly objectives?: readonly ('max' | 'min')[];
  readonly hypervolume?: number;
  readonly fingerprint?: string;
  /** What the evaluations cost in calls (the run's session on this server): see `RunResult.calls`. */
  readonly calls?: RunResult['calls'];
}

export interface RunRecord {
  readonly format: 'galapagos/run';
  readonly version: 1;
  readonly id: string;
  readonly status: RunStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Where it evaluates: `self` (the server's own pool) or a target of the server's config. */
  readonly target: string;
  readonly run: RunConfig;
  readonly dispatch: DispatchConfig;
  readonly stats: readonly GenerationStats[];
  /** The engine state after the last generation (absent before the first). */
  readonly state?: EngineState<number | readonly number[]>;
  readonly outcome?: RunOutcome;
  readonly error?: { readonly code: string; readonly message: string };
  /** Times a restarted server took the run up again. */
  readonly resumed: number;
}

/** One row of `GET /v1/runs`. */
export interface RunSummary {
  readonly id: string;
  readonly status: RunStatus;
  readonly problem: string;
  readonly target: string;
  readonly seed: number;
  /** The last generation done (-1 before the initial population is evaluated). */
  readonly generation: number;
  readonly generations: number;
  readonly best?: number | readonly number[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly error?: { readonly code: string; readonly message: string };
}

/** `GET /v1/runs/{id}`: the summary, the logbook so far, the best, and how it ended. */
export interface RunDetail extends RunSummary {
  readonly logbook: readonly LogbookEntry[];
  readonly stats: readonly GenerationStats[];
  readonly hallOfFame: readonly Evaluated<number | readonly number[]>[];
  readonly bestIndividual?: Evaluated<number | readonly number[]>;
  readonly objectives?: readonly ('max' | 'min')[];
  readonly outcome?: RunOutcome;
  readonly fingerprint?: string;
  readonly resumed: number;
}

export function summaryOf(record: RunRecord): RunSummary {
  const best = record.state?.best ?? undefined;
  return {
    id: record.id,
    status: record.status,
    problem: record.run.problem,
    target: record.target,
    seed: record.state?.config.seed ?? record.run.seed,
    generation: (record.state?.logbook.length ?? 0) - 1,
    generations: record.state?.config.generations ?? record.run.generations,
    ...(best ? { best: best.fitness } : {}),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(record.error ? { error: record.error } : {}),
  };
}

export function detailOf(record: RunRecord): RunDetail {
  const state = record.state;
  return {
    ...summaryOf(record),
    logbook: state?.logbook ?? [],
    stats: record.stats,
    hallOfFame: state?.hallOfFame ?? [],
    ...(state?.best ? { bestIndividual: state.best } : {}),
    ...(state?.objectives ? { objectives: state.objectives } : {}),
    ...(record.outcome ? { outcome: record.outcome } : {}),
    ...(state?.config.fingerprint ? { fingerprint: state.config.fingerprint } : {}),
    resumed: record.resumed,
  };
}
