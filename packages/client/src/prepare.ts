/**
 * One prepared run: everything between a checked config and the first batch, the same for
 * `galapagos run`, `galapagos plan`, and a server's runs (`POST /v1/runs`): the problems
 * (modules loaded once), the target opened, the problem it serves and its fingerprint, a
 * checkpoint checked against both, and every rule that spans fields ({@link checkRun}). A rule
 * added here applies everywhere.
 */
import {
  assertResumableState,
  type CodeChange,
  type EngineConfig,
  type EngineState,
  extend,
  isGalapagosError,
  type ProblemRegistry,
  resolveConfig,
} from '@galapagos/core';
import { loadProblemModules } from '@galapagos/core/runtime';
import type { DispatchConfig, RunConfig, Target } from './config/schema.js';
import { CheckpointError, ConfigError } from './errors.js';
import { checkResumeFingerprint, checkTargetProblem, withTargetProblem } from './problems.js';
import { engineConfig } from './run.js';
import { openTarget, type TargetConnection } from './targets/index.js';

/** Longest wait for a target's problem list before the first batch. */
export const PROBLEMS_TIMEOUT_MS = 30_000;

/** Core's input errors (a module, params, a definition) are bad usage. */
const asUsage = (error: unknown): unknown =>
  isGalapagosError(error) ? ConfigError.from(error) : error;

/** The built-in problems and the run's modules, loaded (a module that fails is bad usage). */
export async function runProblems(run: RunConfig): Promise<ProblemRegistry> {
  const { registry } = await loadProblemModules(run.problems ?? []).catch((error) => {
    throw asUsage(error);
  });
  return registry;
}

/**
 * The rules of a run that span fields, checked where the problem is known: the engine config
 * resolves (params, operators that fit the genome, the algorithm), and a penalty fitness is
 * for single-objective problems. The CLI checks them before it opens a target, a server when a
 * run is submitted, and {@link prepareRun} once the target said what it serves.
 * @param source where the run came from, for the message (a file, `the run`).
 * @throws ConfigError
 */
export function checkRun(
  run: RunConfig,
  registry: ProblemRegistry,
  source: string,
  fingerprint?: string,
): EngineConfig {
  let engine: EngineConfig;
  try {
    engine = resolveConfig(engineConfig(run, fingerprint), registry);
  } catch (error) {
    throw asUsage(error);
  }
  checkPenalty(run, run.problem, registry, source, engine.params);
  return engine;
}

function checkPenalty(
  run: RunConfig,
  problem: string,
  registry: ProblemRegistry,
  source: string,
  params: Readonly<Record<string, unknown>>,
): void {
  const multi = registry.resolve(problem, params).instance.objectives !== undefined;
  if (multi && run.onError?.penalty !== undefined)
    throw new ConfigError(source, [
      {
        path: '/run/onError',
        message: `"${problem}" has several objectives: a penalty fitness is for single-objective problems`,
      },
    ]);
}

export interface PrepareRunOptions {
  readonly run: RunConfig;
  readonly dispatch: DispatchConfig;
  /** The target to open (by its config), or one already open (a server's own pool). */
  readonly target:
    | { readonly name: string; readonly config: Target }
    | { readonly name: string; readonly connection: TargetConnection };
  /** Every configured target, for kinds made of others (a group). */
  readonly targets?: Readonly<Record<string, Target>>;
  /** The problems known here; default: the built-ins and `run.problems`, loaded. */
  readonly registry?: ProblemRegistry;
  /** A checkpoint to resume (read, not yet checked). */
  readonly resume?: EngineState;
  /** Continue the resumed run to this many generations. */
  readonly generations?: number;
  readonly signal: AbortSignal;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The server entry a target with `spawn` starts (see `TargetContext`). */
  readonly serverEntry?: string;
  /** Where the run came from, for messages: a config file, `the run`. */
  readonly source: string;
  /** Where the checkpoint came from, for messages. */
  readonly resumeSource?: string;
  /**
   * Resume a checkpoint made with other code of the problem (`--accept-code-change`): both
   * fingerprints are recorded in the state (`config.codeChanges`) and the result.
   */
  readonly acceptCodeChange?: boolean;
}

export interface PreparedRun {
  readonly connection: TargetConnection;
  /** The problems, the target's own added where only it serves the run's. */
  readonly registry: ProblemRegistry;
  readonly problem: string;
  readonly fingerprint: string | undefined;
  /** The engine config the run starts from (the checkpoint's when resuming). */
  readonly engine: EngineConfig;
  /** The checkpoint, checked and extended, when resuming. */
  readonly resume: EngineState | undefined;
  /** The code change this resume accepted, if any. */
  readonly codeChange?: CodeChange | undefined;
  readonly multiObjective: boolean;
  /** What the operator should know (a target that publishes no fingerprints). */
  readonly warnings: readonly string[];
  close(): Promise<void>;
}

/** Opens the target and checks everything that can fail before the first batch. */
export async function prepareRun(options: PrepareRunOptions): Promise<PreparedRun> {
  const { run, signal } = options;
  const known = options.registry ?? (await runProblems(run));
  let resume = options.resume;
  const problem = resume?.config.problem ?? run.problem;
  // A problem no module defines may still be the target's: checked once it is open.
  if (!resume && known.has(problem)) checkRun(run, known, options.source);
  const connection =
    'connection' in options.target
      ? options.target.connection
      : await openTarget(options.target.config, {
          name: options.target.name,
          connections: options.dispatch.concurrency,
          env: options.env,
          problemModules: run.problems ?? [],
          serverEntry: options.serverEntry,
          ...(options.targets ? { targets: options.targets } : {}),
        });
  try {
    // A target that does not say what it serves within 30 s is not waited for longer.
    const asking = AbortSignal.any([
      signal,
      AbortSignal.timeout(Math.min(options.dispatch.timeoutMs, PROBLEMS_TIMEOUT_MS)),
    ]);
    const name = options.target.name;
    const registry = await withTargetProblem(known, connection.evaluator, name, problem, asking);
    const fingerprint = registry.fingerprint(problem);
    let engine: EngineConfig;
    let codeChange: CodeChange | undefined;
    if (resume) {
      const recorded = resume.config.fingerprint;
      if (options.acceptCodeChange && recorded && fingerprint && recorded !== fingerprint) {
        codeChange = { generation: resume.logbook.length - 1, from: recorded, to: fingerprint };
        const { config } = resume;
        resume = {
          ...resume,
          config: {
            ...config,
            fingerprint,
            codeChanges: [...(config.codeChanges ?? []), codeChange],
          },
        };
      } else checkResumeFingerprint(recorded, problem, fingerprint);
      // A checkpoint is input: checked in depth, so an edited one is refused on every target.
      try {
        assertResumableState(resume, registry);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new CheckpointError(
          true,
          `cannot resume${options.resumeSource ? ` from ${options.resumeSource}` : ''}: ${reason}`,
        );
      }
      if (options.generations !== undefined) resume = extend(resume, options.generations);
      checkPenalty(run, problem, registry, options.source, resume.config.params);
      engine = resume.config;
    } else engine = checkRun(run, registry, options.source, fingerprint);
    // The target must run this very code before it gets a batch.
    const warnings = await checkTargetProblem(
      connection.evaluator,
      name,
      problem,
      fingerprint,
      asking,
    );
    return {
      connection,
      registry,
      problem,
      fingerprint,
      engine,
      resume,
      codeChange,
      multiObjective: registry.resolve(problem, engine.params).instance.objectives !== undefined,
      warnings,
      close: () => connection.close(),
    };
  } catch (error) {
    await connection.close();
    throw error;
  }
}
