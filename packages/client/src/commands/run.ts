/** `galapagos run`: evolve, sending every generation to the chosen target. */
import {
  assertResumableState,
  type EngineState,
  type ProblemRegistry,
  resolveConfig,
} from '@galapagos/core';
import { loadProblemModules } from '@galapagos/core/runtime';
import cliProgress from 'cli-progress';
import { readCheckpoint } from '../checkpoint.js';
import { ConfigError } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { selectTarget } from '../config/validate.js';
import { EvaluationError } from '../errors.js';
import { logbookHeader, logbookLine, summary } from '../output.js';
import { checkResumeFingerprint, checkTargetProblem, withTargetProblem } from '../problems.js';
import { engineConfig, runEvolution } from '../run.js';
import { openTarget } from '../targets.js';
import { fail } from './fail.js';
import { configFor, DEFAULT_CONFIG } from './options.js';

/** Longest wait for a target's problem list before the first batch. */
const PROBLEMS_TIMEOUT_MS = 30_000;

export async function runCommand(options: Record<string, unknown>): Promise<number> {
  const json = Boolean(options.json);
  const quiet = Boolean(options.quiet) || json;
  let config: Config;
  let targetName: string;
  let registry: ProblemRegistry;
  try {
    config = await configFor(options);
    const picked = selectTarget(config, options.target as string | undefined);
    if ('path' in picked)
      throw new ConfigError((options.config as string) ?? DEFAULT_CONFIG, [picked]);
    targetName = picked.name;
    ({ registry } = await loadProblemModules(config.run.problems ?? []));
    // A problem no module defines may still be the target's: checked once it is open.
    if (registry.has(config.run.problem)) resolveConfig(engineConfig(config.run), registry);
  } catch (error) {
    return fail(error, json);
  }
  let resume: EngineState | undefined;
  try {
    if (options.resume) resume = await readCheckpoint(options.resume as string);
  } catch (error) {
    // A checkpoint that cannot be read is bad input; one that cannot be written, a failed run.
    return fail(error, json, true);
  }
  const problem = resume?.config.problem ?? config.run.problem;

  const controller = new AbortController();
  const interrupt = (signal: NodeJS.Signals) =>
    controller.abort(
      new EvaluationError('GALAPAGOS_ERR_ABORTED', `interrupted by ${signal}`, {
        retryable: false,
      }),
    );
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  const showBar = !quiet && process.stderr.isTTY === true;
  const bar = showBar
    ? new cliProgress.SingleBar(
        {
          format: 'gen {gen} [{bar}] {value}/{total} evaluations | {rate}/s {note}',
          stream: process.stderr,
          clearOnComplete: true,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let barGeneration = -1;
  let lastOverloadLine = Number.NEGATIVE_INFINITY;
  let barStarted = 0;

  let open: Awaited<ReturnType<typeof openTarget>> | undefined;
  try {
    open = await openTarget(targetName, config.targets[targetName]!, {
      connections: config.dispatch.concurrency,
      problemModules: config.run.problems ?? [],
    });
    // A target that does not say what it serves within 30 s is not waited for longer.
    const asking = AbortSignal.any([
      controller.signal,
      AbortSignal.timeout(Math.min(config.dispatch.timeoutMs, PROBLEMS_TIMEOUT_MS)),
    ]);
    registry = await withTargetProblem(registry, open.evaluator, targetName, problem, asking);
    resolveConfig(engineConfig(config.run), registry);
    const fingerprint = registry.fingerprint(problem);
    checkResumeFingerprint(resume?.config.fingerprint, problem, fingerprint);
    if (resume) {
      // A checkpoint is input: checked in depth, so an edited one is refused on every target.
      try {
        assertResumableState(resume, registry);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return fail(
          new EvaluationError(
            'GALAPAGOS_ERR_CHECKPOINT',
            `cannot resume from ${String(options.resume)}: ${reason}`,
            {
              retryable: false,
            },
          ),
          json,
          true,
        );
      }
    }
    // The target must run this very code before it gets a batch.
    const warnings = await checkTargetProblem(
      open.evaluator,
      targetName,
      problem,
      fingerprint,
      asking,
    );
    for (const warning of warnings) process.stderr.write(`galapagos: warning: ${warning}\n`);
    if (!quiet) {
      process.stdout.write(
        `target ${targetName} (${open.where}), problem ${problem}${fingerprint ? ` (${fingerprint})` : ''}, seed ${config.run.seed}\n`,
      );
      process.stdout.write(`${logbookHeader()}\n`);
      for (const e of resume?.logbook ?? []) process.stdout.write(`${logbookLine(e)}\n`);
    }
    const result = await runEvolution({
      run: config.run,
      registry,
      dispatch: config.dispatch,
      evaluator: open.evaluator,
      signal: controller.signal,
      ...(resume ? { resume } : {}),
      ...(options.checkpoint ? { checkpoint: options.checkpoint as string } : {}),
      onProgress: (generation, done, total) => {
        if (!bar) return;
        if (generation !== barGeneration) {
          barGeneration = generation;
          barStarted = performance.now();
          bar.start(total, done, { gen: generation, rate: '0', note: '' });
        }
        const seconds = (performance.now() - barStarted) / 1000;
        bar.update(done, {
          gen: generation,
          rate: seconds > 0 ? (done / seconds).toFixed(0) : '0',
          note: '',
        });
      },
      onRetry: (retry) => {
        // On a terminal the bar says what the run is waiting for.
        if (bar) {
          bar.update({
            note: retry.overload
              ? `| target busy, ${retry.concurrency} in flight`
              : `| waiting for target (${retry.error.code}), retry ${retry.attempt}, ${retry.retriesLeft} left`,
          });
          return;
        }
        // Otherwise a line; overload, which may last, at most every 2 s.
        const now = performance.now();
        if (retry.overload && now - lastOverloadLine < 2000) return;
        if (retry.overload) lastOverloadLine = now;
        const what = retry.overload
          ? `target busy (${retry.error.code}); waiting, ${retry.concurrency} requests in flight at most`
          : `${retry.error.code}: ${retry.error.message}; retrying a batch of ${retry.genomes} genomes (attempt ${retry.attempt + 1}, ${retry.retriesLeft} retries left)`;
        process.stderr.write(`galapagos: ${what}\n`);
      },
      onGeneration: (entry) => {
        bar?.stop();
        if (!quiet) process.stdout.write(`${logbookLine(entry)}\n`);
      },
    });
    const rounds = result.logbook.length - (resume?.logbook.length ?? 0);
    if (json) {
      const { state: _state, ...rest } = result;
      process.stdout.write(`${JSON.stringify({ ok: true, target: targetName, ...rest })}\n`);
    } else {
      for (const line of summary(result, targetName, config.run.cost?.ms, rounds))
        process.stdout.write(`${line}\n`);
    }
    return 0;
  } catch (error) {
    bar?.stop();
    return fail(error, json);
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await open?.close();
  }
}
