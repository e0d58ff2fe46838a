/** `galapagos run`: evolve, sending every generation to the chosen target. */
import { readFile } from 'node:fs/promises';
import {
  type CheckpointWriter,
  ConfigError,
  checkRun,
  InterruptError,
  type PreparedRun,
  prepareRun,
  runEvolution,
  runProblems,
  selectTarget,
  utilisationOf,
} from '@galapagos/client';
import type { EngineState } from '@galapagos/core';
import { SERVER_ENTRY } from '@galapagos/server/entries';
import { reportView } from '@galapagos/server/report';
import { checkpointWriter, resumeCommand, resumeOf } from '../checkpoints.js';
import { parseSeeds } from '../experiment.js';
import { fail } from '../fail.js';
import { configFor, DEFAULT_CONFIG, flagsChangingTheRun, type RunFlags } from '../flags.js';
import { codeChangeLine, logbookHeader, logbookLine, summary } from '../output.js';
import { createProgress } from '../progress.js';
import { runSeeds } from './experiment.js';
import { reportPaths, writeReports } from './report.js';

/** What the run needs before any target is opened: config, target name, problems, checkpoint. */
async function prepare(flags: RunFlags) {
  const config = await configFor(flags);
  const picked = selectTarget(config, flags.target);
  if ('path' in picked) throw new ConfigError(flags.config ?? DEFAULT_CONFIG, [picked]);
  const registry = await runProblems(config.run);
  const seeds = flags.seeds === undefined ? undefined : seedsOf(flags);
  const replay = flags.replay === undefined ? undefined : await replayOf(flags.replay);
  if (replay) {
    if (config.run.algorithm?.name !== 'steady-state' && !flags.resume)
      throw new ConfigError('command line', [
        {
          path: '--replay',
          message: `replays a steady-state run; this run's algorithm is ${config.run.algorithm?.name ?? 'simple'} (set run.algorithm to { "name": "steady-state" } as the recorded run had it)`,
        },
      ]);
    if (config.run.algorithm?.name === 'steady-state')
      config.run.algorithm = { ...config.run.algorithm, inFlight: replay.inFlight };
  }
  const resumed = await resumeOf(flags);
  const resume = resumed?.checkpoint.state;
  if (resume) refuseRunChanges(resume, flags);
  // A problem no module defines may still be the target's: checked once it is open.
  if (!resume && registry.has(config.run.problem))
    checkRun(config.run, registry, flags.config ?? DEFAULT_CONFIG);
  return { config, targetName: picked.name, registry, resume, resumed, seeds, replay };
}

/** The order of completions (and evaluations in flight) a `--replay` file recorded. */
async function replayOf(file: string): Promise<{ order: number[]; inFlight: number }> {
  let json: {
    replay?: { order?: unknown; inFlight?: unknown };
    order?: unknown;
    config?: { algorithm?: { inFlight?: unknown } };
  };
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(file, [
      { path: '/', message: `cannot read: ${(error as Error).message}` },
    ]);
  }
  const order = json?.replay?.order ?? json?.order;
  const inFlight = json?.replay?.inFlight ?? json?.config?.algorithm?.inFlight;
  if (
    !Array.isArray(order) ||
    !order.every((id) => Number.isSafeInteger(id) && id >= 0) ||
    !Number.isSafeInteger(inFlight) ||
    (inFlight as number) < 1
  )
    throw new ConfigError(file, [
      {
        path: '/replay',
        message:
          "holds no steady-state run's order (expected a galapagos run --json result, or a checkpoint, of a steady-state run)",
      },
    ]);
  return { order: order as number[], inFlight: inFlight as number };
}

/** `--seeds`, which makes an experiment of the run: refused beside what makes one run. */
function seedsOf(flags: RunFlags): number[] {
  const clash = (
    [
      ['--seed', flags.seed],
      ['--resume', flags.resume],
      ['--checkpoint', typeof flags.checkpoint === 'string' ? flags.checkpoint : undefined],
    ] as const
  ).find(([, value]) => value !== undefined);
  if (clash)
    throw new ConfigError('command line', [
      { path: '--seeds', message: `cannot be combined with ${clash[0]} (one run, one seed)` },
    ]);
  try {
    return parseSeeds(flags.seeds!);
  } catch (error) {
    throw new ConfigError('command line', [
      { path: '--seeds', message: `${(error as Error).message} (e.g. 1..30 or 1,5,9)` },
    ]);
  }
}

/**
 * A checkpoint is resumed as recorded: flags that would make it another run are refused;
 * `--generations N` may continue it to N generations (applied once the checkpoint is checked).
 */
function refuseRunChanges(resume: EngineState, flags: RunFlags): void {
  const changing = flagsChangingTheRun(flags, resume.config as never);
  if (changing.length > 0)
    throw new ConfigError('command line', [
      {
        path: '--resume',
        message: `a resumed run keeps the checkpoint's settings; drop ${changing.join(', ')} (only --generations may change: it continues the run to that many generations)`,
      },
    ]);
  const reached = resume.logbook.length - 1;
  if (flags.generations !== undefined && flags.generations < reached)
    throw new ConfigError('command line', [
      {
        path: '--generations',
        message: `the checkpoint has recorded ${reached} generations after the initial one; give at least ${reached}`,
      },
    ]);
}

export async function runCommand(flags: RunFlags): Promise<number> {
  const json = Boolean(flags.json);
  const quiet = Boolean(flags.quiet) || json;
  let prepared: Awaited<ReturnType<typeof prepare>>;
  try {
    prepared = await prepare(flags);
  } catch (error) {
    return fail(error, json);
  }
  const { config, targetName } = prepared;

  const controller = new AbortController();
  const interrupt = (signal: NodeJS.Signals) => controller.abort(new InterruptError(signal));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  // The utilisation shown as the run goes, once the target is open.
  let utilisationNow: (() => number | undefined) | undefined;
  const progress = createProgress({
    bar: !quiet && process.stderr.isTTY === true,
    utilisation: () => utilisationNow?.(),
  });

  let open: PreparedRun | undefined;
  let checkpoint: CheckpointWriter | undefined;
  try {
    open = await prepareRun({
      run: config.run,
      dispatch: config.dispatch,
      target: { name: targetName, config: config.targets[targetName]! },
      targets: config.targets,
      registry: prepared.registry,
      ...(prepared.resume ? { resume: prepared.resume } : {}),
      ...(flags.generations !== undefined ? { generations: flags.generations } : {}),
      signal: controller.signal,
      env: process.env,
      serverEntry: SERVER_ENTRY,
      source: flags.config ?? DEFAULT_CONFIG,
      ...(prepared.resumed ? { resumeSource: prepared.resumed.file } : {}),
      ...(flags.acceptCodeChange ? { acceptCodeChange: true } : {}),
    });
    const { registry, resume, problem, fingerprint, multiObjective: multi } = open;
    for (const warning of open.warnings) process.stderr.write(`galapagos: warning: ${warning}\n`);
    if (open.codeChange)
      process.stderr.write(
        `galapagos: warning: the problem's code changed since the checkpoint (${open.codeChange.from} -> ${open.codeChange.to}); going on as --accept-code-change asks, and recording it\n`,
      );
    if (prepared.seeds) {
      await runSeeds({
        seeds: prepared.seeds,
        config,
        registry,
        evaluator: open.connection.evaluator,
        targetName,
        json,
        quiet,
        signal: controller.signal,
        progress,
      });
      return 0;
    }
    if (!quiet) {
      process.stdout.write(
        `target ${targetName} (${open.connection.where}), problem ${problem}${fingerprint ? ` (${fingerprint})` : ''}, seed ${resume?.config.seed ?? config.run.seed}\n`,
      );
      process.stdout.write(`${logbookHeader(multi)}\n`);
      // The resumed logbook, with a line where the code changed (accepted changes).
      const changes = resume?.config.codeChanges ?? [];
      for (const e of resume?.logbook ?? []) {
        process.stdout.write(`${logbookLine(e)}\n`);
        for (const c of changes.filter((c) => c.generation === e.gen))
          process.stdout.write(`${codeChangeLine(c)}\n`);
      }
    }
    const evaluator = open.connection.evaluator;
    checkpoint = checkpointWriter(
      flags,
      prepared.resumed?.file,
      problem,
      resume?.config.seed ?? open.engine.seed,
    );
    await checkpoint?.ready();
    const [busyAtStart, runStarted] = [evaluator.busyMs?.(), performance.now()];
    utilisationNow = () => utilisationOf(evaluator, busyAtStart, performance.now() - runStarted);
    const result = await runEvolution({
      run: config.run,
      registry,
      dispatch: config.dispatch,
      evaluator,
      signal: controller.signal,
      ...(resume ? { resume, resumePending: prepared.resumed?.checkpoint.pending ?? [] } : {}),
      ...(checkpoint ? { checkpoint } : {}),
      ...(prepared.replay ? { replay: prepared.replay.order } : {}),
      onProgress: progress.onProgress,
      onRetry: progress.onRetry,
      onPenalised: progress.onPenalised,
      onGeneration: (entry) => {
        progress.stop();
        if (!quiet) process.stdout.write(`${logbookLine(entry)}\n`);
      },
    });
    const rounds = result.logbook.length - (resume?.logbook.length ?? 0);
    const { state: _state, ...rest } = result;
    if (flags.report || flags.svg) {
      const view = reportView({ target: targetName, ...rest }, 'this run');
      if (!('error' in view)) await writeReports(view, flags, json);
    }
    if (json) {
      process.stdout.write(
        `${JSON.stringify({ ok: true, target: targetName, ...rest, ...reportPaths(flags) })}\n`,
      );
    } else {
      for (const line of summary(result, targetName, config.run.cost?.ms, rounds))
        process.stdout.write(`${line}\n`);
    }
    return 0;
  } catch (error) {
    progress.stop();
    const code = fail(error, json);
    // Interrupted with its work saved: say how to go on.
    if (controller.signal.aborted && checkpoint && checkpoint.written > 0)
      process.stderr.write(
        `galapagos: the run is saved; resume it with: ${resumeCommand(flags, checkpoint.file)}\n`,
      );
    return code;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await open?.close();
  }
}
