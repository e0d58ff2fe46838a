/**
 * Carries one run of a server from where its record stands to its end: opens its target,
 * checks that the target serves the same problem code, and evolves, handing the record back
 * after every generation (the service persists it, then tells watchers). A record with a
 * state is resumed from it, so a restarted server finishes the run identically.
 */

import {
  ClientError,
  ConfigError,
  checkResumeFingerprint,
  checkTargetProblem,
  type Evaluator,
  engineConfig,
  openTarget,
  runEvolution,
  type Target,
  type TargetConnection,
  withTargetProblem,
} from '@galapagos/client';
import {
  assertResumableState,
  type EngineState,
  isGalapagosError,
  type ProblemRegistry,
  resolveConfig,
} from '@galapagos/core';
import { SERVER_ENTRY } from '../entries.js';
import type { RunRecord } from './record.js';
import { SELF_TARGET } from './submission.js';

/** Longest wait for a target's problem list before the first batch. */
const PROBLEMS_TIMEOUT_MS = 30_000;

export interface ExecuteContext {
  /** The server's own pool, in-process (see `self.ts`). */
  readonly self: Evaluator;
  /** The server's problems: its pool's registry (built-ins and its modules, loaded once). */
  readonly registry: ProblemRegistry;
  /** The server config's targets a run may name. */
  readonly targets: Readonly<Record<string, Target>>;
  readonly problemModules: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface ExecuteHooks {
  readonly signal: AbortSignal;
  /** After every generation (and at the end): the record as it now stands. */
  readonly onRecord: (record: RunRecord) => Promise<void>;
  /** Things the operator should know (a target without fingerprints). */
  readonly warn: (message: string) => void;
}

/** A coded error's `{ code, message }` for the record. */
export function recordedError(error: unknown): { code: string; message: string } {
  if (error instanceof ClientError || isGalapagosError(error))
    return { code: error.code, message: error.message };
  return { code: 'GALAPAGOS_ERR_INTERNAL', message: (error as Error)?.message ?? String(error) };
}

const now = () => new Date().toISOString();

/** The record's target: the server's own pool, or one of its config's targets. */
async function openRunTarget(
  record: RunRecord,
  context: ExecuteContext,
): Promise<TargetConnection> {
  if (record.target === SELF_TARGET)
    return {
      evaluator: context.self,
      servers: [],
      where: "this server's pool",
      close: async () => {},
    };
  const target = context.targets[record.target];
  if (!target) throw new Error(`target "${record.target}" is no longer configured`);
  return openTarget(target, {
    targets: context.targets,
    name: record.target,
    connections: record.dispatch.concurrency,
    env: context.env,
    problemModules: context.problemModules,
    serverEntry: SERVER_ENTRY,
  });
}

/** Runs the record's evolution to its end; resolves with the last record (never rejects on run failure). */
export async function executeRun(
  start: RunRecord,
  context: ExecuteContext,
  hooks: ExecuteHooks,
): Promise<RunRecord> {
  let record = start;
  const open = await openRunTarget(record, context);
  try {
    const problem = record.run.problem;
    const asking = AbortSignal.any([hooks.signal, AbortSignal.timeout(PROBLEMS_TIMEOUT_MS)]);
    const registry = await withTargetProblem(
      context.registry,
      open.evaluator,
      record.target,
      problem,
      asking,
    );
    const fingerprint = registry.fingerprint(problem);
    const resume = record.state as EngineState | undefined;
    if (resume) {
      checkResumeFingerprint(resume.config.fingerprint, problem, fingerprint);
      assertResumableState(resume, registry);
    } else {
      try {
        resolveConfig(engineConfig(record.run), registry);
      } catch (error) {
        throw isGalapagosError(error) ? ConfigError.from(error) : error;
      }
    }
    for (const warning of await checkTargetProblem(
      open.evaluator,
      record.target,
      problem,
      fingerprint,
      asking,
    ))
      hooks.warn(warning);
    const result = await runEvolution({
      run: record.run,
      registry,
      dispatch: record.dispatch,
      evaluator: open.evaluator,
      signal: hooks.signal,
      ...(resume ? { resume } : {}),
      onGeneration: async (entry, state, stats) => {
        record = {
          ...record,
          status: 'running',
          updatedAt: now(),
          state,
          stats: [...record.stats.filter((s) => s.gen < entry.gen), stats],
        };
        await hooks.onRecord(record);
      },
    });
    record = {
      ...record,
      status: 'succeeded',
      updatedAt: now(),
      state: result.state,
      outcome: {
        best: result.best,
        hallOfFame: result.hallOfFame,
        stoppedBy: result.stoppedBy,
        evaluations: result.evaluations,
        ...(result.objectives ? { objectives: result.objectives } : {}),
        ...(result.hypervolume === undefined ? {} : { hypervolume: result.hypervolume }),
        ...(result.fingerprint ? { fingerprint: result.fingerprint } : {}),
      },
    };
    return record;
  } finally {
    await open.close();
  }
}
