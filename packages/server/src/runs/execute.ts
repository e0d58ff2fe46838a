/**
 * Carries one run of a server from where its record stands to its end: prepares it as every
 * run is (`prepareRun`: its target opened, the problem code and the checkpoint checked, the
 * rules that span fields), and evolves, handing the record back
 * after every generation (the service persists it, then tells watchers). A record with a
 * state is resumed from it, so a restarted server finishes the run identically.
 */

import {
  ClientError,
  type Evaluator,
  type PrepareRunOptions,
  prepareRun,
  runEvolution,
  type Target,
  type TargetConnection,
} from '@galapagos/client';
import { type EngineState, isGalapagosError, type ProblemRegistry } from '@galapagos/core';
import { SERVER_ENTRY } from '../entries.js';
import type { RunRecord } from './record.js';
import { SELF_TARGET } from './submission.js';

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

/** The server's own pool as an open target (it stays open when the run ends). */
const selfConnection = (context: ExecuteContext): TargetConnection => ({
  evaluator: context.self,
  servers: [],
  where: "this server's pool",
  close: async () => {},
});

/** Runs the record's evolution to its end; resolves with the last record (never rejects on run failure). */
export async function executeRun(
  start: RunRecord,
  context: ExecuteContext,
  hooks: ExecuteHooks,
): Promise<RunRecord> {
  let record = start;
  let target: PrepareRunOptions['target'];
  if (record.target === SELF_TARGET)
    target = { name: SELF_TARGET, connection: selfConnection(context) };
  else {
    const config = context.targets[record.target];
    if (!config) throw new Error(`target "${record.target}" is no longer configured`);
    target = { name: record.target, config };
  }
  const open = await prepareRun({
    run: record.run,
    dispatch: record.dispatch,
    target,
    targets: context.targets,
    registry: context.registry,
    ...(record.state ? { resume: record.state as EngineState } : {}),
    signal: hooks.signal,
    env: context.env,
    serverEntry: SERVER_ENTRY,
    source: `run ${record.id}`,
  });
  try {
    for (const warning of open.warnings) hooks.warn(warning);
    const { registry, resume } = open;
    const result = await runEvolution({
      run: record.run,
      registry,
      dispatch: record.dispatch,
      evaluator: open.connection.evaluator,
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
        calls: result.calls,
      },
    };
    return record;
  } finally {
    await open.close();
  }
}
