import {
  builtinProblems,
  type CodeChange,
  type EngineConfigInput,
  type EngineState,
  type Evaluated,
  type EvolveResult,
  evolve,
  type Fitness,
  type Genome,
  init,
  type LogbookEntry,
  type ProblemRegistry,
  type StopReason,
} from '@galapagos/core';
import { writeCheckpoint } from './checkpoint/file.js';
import type { CheckpointWriter } from './checkpoint/writer.js';
import type { DispatchConfig, RunConfig } from './config/schema.js';
import { type DispatchEvents, Dispatcher, type DispatchStats } from './dispatch/dispatcher.js';
import { emptyStats } from './dispatch/types.js';
import type { Evaluator } from './evaluators/types.js';

export interface RunOptions {
  readonly run: RunConfig;
  /** The problems the run may use (built-ins plus the run's modules); default: built-ins. */
  readonly registry?: ProblemRegistry;
  readonly dispatch: DispatchConfig;
  readonly evaluator: Evaluator;
  readonly signal?: AbortSignal;
  /** Continue this state instead of starting afresh. */
  readonly resume?: EngineState;
  /**
   * Fitness already paid for in the generation the resumed run was interrupted in (a
   * checkpoint's `pending`): those genomes are not sent again.
   */
  readonly resumePending?: readonly (readonly [Genome, Fitness])[];
  /**
   * Checkpoints: a file written after every generation (atomically, awaited), or a
   * {@link CheckpointWriter} that writes in the background. Either way the newest state is
   * written when the run ends (marked finished) or is interrupted (with the fitness of the
   * genomes its last generation had evaluated).
   */
  readonly checkpoint?: string | CheckpointWriter;
  /** After every generation (awaited, so the state can be persisted before the next one). */
  readonly onGeneration?: (
    entry: LogbookEntry,
    state: EngineState,
    stats: GenerationStats,
  ) => void | Promise<void>;
  readonly onProgress?: (generation: number, done: number, total: number) => void;
  /** A request failed and is sent again (see {@link DispatchEvents}). */
  readonly onRetry?: DispatchEvents['onRetry'];
  /** A genome failed for good and was given `run.onError.penalty`. */
  readonly onPenalised?: DispatchEvents['onPenalised'];
  /** Steady-state runs: tell fitness in this recorded order (`RunResult.replay.order`). */
  readonly replay?: readonly number[];
}

/** What the dispatcher saw in one generation, beside the logbook's statistics. */
export interface GenerationStats {
  readonly gen: number;
  /** Evaluations asked for in the generation ÷ its wall time. */
  readonly evalsPerSecond: number;
  /** Requests sent again in the generation. */
  readonly retries: number;
  /** Wall time of the generation, ms. */
  readonly elapsedMs: number;
}

/** A finished run, as `galapagos run --json` prints it (plus the final state). */
export interface RunResult {
  readonly problem: string;
  readonly seed: number;
  readonly logbook: readonly LogbookEntry[];
  /** Each generation of this session: its evaluations per second and retries. */
  readonly stats: readonly GenerationStats[];
  readonly best: Evaluated;
  /**
   * The best distinct individuals, best first (`run.hallOfFame` of them); for a
   * multi-objective problem, the Pareto front found (best first in the first objective).
   */
  readonly hallOfFame: readonly Evaluated[];
  /** Multi-objective problems: their objectives, and the final front's hypervolume. */
  readonly objectives?: readonly ('max' | 'min')[];
  readonly hypervolume?: number;
  readonly referencePoint?: readonly number[];
  /** The rule that ended the run: generations, evaluations, targetFitness, stagnation, timeMs. */
  readonly stoppedBy: StopReason;
  /** Evaluations the engine asked for (the sum of nevals). */
  readonly evaluations: number;
  /** Genomes actually sent to the target (fewer with the cache). */
  readonly evaluationsSent: number;
  readonly cacheHits: number;
  /** Genomes given `run.onError.penalty` because their evaluation failed. */
  readonly penalised: number;
  /**
   * What the run's evaluations cost in calls of the fitness: genomes asked for, answered from
   * the cache, distinct ones sent, all sent, and every duplicate with its reason.
   */
  readonly calls: RunCalls;
  /** The problem's fingerprint (its code and definition). */
  readonly fingerprint?: string;
  /** Resumes that went on with other code (`--accept-code-change`), with both fingerprints. */
  readonly codeChanges?: readonly CodeChange[];
  readonly retries: number;
  readonly timeouts: number;
  /**
   * Worker utilisation: the target's busy thread time ÷ (its threads × elapsed), where the
   * target reports both (embedded, HTTP servers; not Lambda, whose capacity is elastic).
   */
  readonly utilisation?: number;
  /** Duplicates sent for straggling batches, and how many of them answered first. */
  readonly speculated: number;
  readonly speculationWins: number;
  /**
   * The money the evaluations cost, per target and in total (where the target reports usage).
   * (`run.cost` is the simulated delay, another thing.)
   */
  readonly spend?: import('./cost.js').TargetUsage;
  /** The old name of {@link spend}, kept for scripts that read it. */
  readonly cost?: import('./cost.js').TargetUsage;
  /** A group target's members: batches and genomes each evaluated, failures. */
  readonly members?: ReturnType<NonNullable<Evaluator['members']>>;
  readonly elapsedMs: number;
  readonly evalsPerSecond: number;
  /**
   * Steady-state runs: what repeats the run on any target (`galapagos run --replay`): the order
   * the fitness values were told in, and the evaluations in flight.
   */
  readonly replay?: { readonly order: readonly number[]; readonly inFlight: number };
  readonly state: EngineState;
}

/** See {@link RunResult.calls}. */
export interface RunCalls {
  /** Evaluations the engine asked for this session, repeats included. */
  readonly requested: number;
  /** Of them, answered from the cache (earlier generations, or a repeat within one). */
  readonly cached: number;
  /** Distinct genomes sent: what the run needed. */
  readonly distinct: number;
  /** Genome evaluations sent in all: `distinct` plus the duplicates. */
  readonly sent: number;
  readonly duplicates: DispatchStats['duplicates'];
  /** Genomes whose evaluation failed for good (given the penalty), and of them timed out. */
  readonly failed: number;
  readonly timedOut: number;
}

/** The engine configuration a client run config stands for: all but the client's own fields. */
/** The run's spend, under its name and its old one. */
const spendOf = (spend: import('./cost.js').TargetUsage) => ({ spend, cost: spend });

export function engineConfig(
  run: RunConfig,
  fingerprint?: string,
  capacity?: number,
): EngineConfigInput {
  const { problems: _problems, onError: _onError, cost: _cost, ...engine } = run;
  // A steady-state run keeps the target's threads busy unless told otherwise.
  const algorithm =
    engine.algorithm?.name === 'steady-state' &&
    engine.algorithm.inFlight === undefined &&
    capacity !== undefined
      ? { ...engine.algorithm, inFlight: Math.min(capacity, engine.population) }
      : engine.algorithm;
  return {
    ...engine,
    ...(algorithm ? { algorithm } : {}),
    ...(fingerprint === undefined ? {} : { fingerprint }),
  };
}

/**
 * Busy thread time ÷ (threads × elapsed) since `busyAtStart`: undefined where the target does
 * not report its busy time or its threads.
 */
export function utilisationOf(
  evaluator: Pick<Evaluator, 'busyMs' | 'capacity'>,
  busyAtStart: number | undefined,
  elapsedMs: number,
): number | undefined {
  const busy = evaluator.busyMs?.();
  if (busy === undefined || busyAtStart === undefined || !evaluator.capacity || elapsedMs <= 0)
    return undefined;
  return (busy - busyAtStart) / (evaluator.capacity * elapsedMs);
}

/** A user problem's deadline per genome when it sets none (the pool's default). */
const DEFAULT_GENOME_TIMEOUT_MS = 60_000;

/**
 * How long one genome's evaluation may run, as far as this client knows: `run.onError.timeoutMs`,
 * else the problem's own `timeoutMs` (60 s for a problem of the user's); undefined for a shipped
 * problem. Requests carry the override; the rest sizes the wait for a reply.
 */
function genomeTimeoutMs(
  run: RunConfig,
  registry: ProblemRegistry | undefined,
  problem: string,
): number | undefined {
  if (run.onError?.timeoutMs !== undefined) return run.onError.timeoutMs;
  if (builtinProblems.some((p) => p.id === problem)) return undefined;
  const own = registry?.has(problem) ? registry.get(problem).timeoutMs : undefined;
  return own ?? DEFAULT_GENOME_TIMEOUT_MS;
}

/** Evolves with core's ask/tell, every generation's evaluations going through a dispatcher. */
export async function runEvolution(options: RunOptions): Promise<RunResult> {
  const { run, dispatch, evaluator, signal, resume, checkpoint } = options;
  const started = performance.now();
  const busyAtStart = evaluator.busyMs?.();
  let dispatcher: Dispatcher | undefined;
  const fingerprint = options.registry?.fingerprint(resume?.config.problem ?? run.problem);
  const steady = (resume?.config.algorithm ?? run.algorithm)?.name === 'steady-state';
  // Steady-state evaluations come one genome at a time: progress counts them per generation.
  let told = resume?.evaluations ?? 0;
  const perGeneration: GenerationStats[] = [];
  // stop.budgetUsd: the next generation may send every offspring (none from the cache), each
  // costing what a genome has cost so far: a bound, so the budget holds.
  const budget = (resume?.config.stop ?? run.stop)?.budgetUsd;
  const overBudget = (state: EngineState) => {
    const spent = evaluator.usage?.().usd ?? 0;
    const sent = dispatcher?.stats.evaluationsSent ?? 0;
    const offspring =
      (state.config.algorithm as { lambda?: number } | undefined)?.lambda ??
      state.config.population;
    const next = sent > 0 ? (spent / sent) * offspring : 0;
    return budget !== undefined && spent + next > budget ? ('budgetUsd' as const) : undefined;
  };
  let [generationStarted, retries, retriesBefore] = [started, 0, 0];
  const onRetry: DispatchEvents['onRetry'] = (info) => {
    retries++;
    options.onRetry?.(info);
  };
  const primed = (d: Dispatcher) => {
    if (options.resumePending?.length) d.prime(options.resumePending);
    return d;
  };
  const writer = typeof checkpoint === 'object' ? checkpoint : undefined;
  let result: EvolveResult;
  try {
    result = await evolveWith();
  } catch (error) {
    // Interrupted: the newest state, and what its next generation had already paid for.
    if (writer && signal?.aborted)
      await writer.flush(undefined, { pending: steady ? [] : (dispatcher?.answered() ?? []) });
    throw error;
  }
  // The run's figures are the evolution's; its last checkpoint is written after them.
  const finished = resultOf(result);
  if (writer?.worthWriting(result.state)) await writer.flush(result.state, { finished: true });
  return finished;

  function evolveWith(): Promise<EvolveResult> {
    const config = engineConfig(run, fingerprint, evaluator.capacity);
    // With checkpoints, the initial population is a state to save too: an interrupt during
    // the first generation keeps what it evaluated.
    const start = resume ?? (writer ? init(config, options.registry) : undefined);
    if (start && !resume) writer?.offer(start);
    return evolve(config, {
      ...(options.registry ? { registry: options.registry } : {}),
      ...(start ? { resume: start } : {}),
      ...(signal ? { signal } : {}),
      ...(options.replay ? { replay: options.replay } : {}),
      ...(budget === undefined ? {} : { stopBefore: overBudget }),
      evaluate: (genomes, context) => {
        dispatcher ??= primed(
          new Dispatcher(
            evaluator,
            dispatch,
            {
              problem: context.problem,
              params: context.params,
              cost: run.cost,
              fingerprint,
              shipped: builtinProblems.some((p) => p.id === context.problem),
              penalty: run.onError?.penalty,
              failureRetries: run.onError?.retries,
              genomeTimeoutMs: genomeTimeoutMs(run, options.registry, context.problem),
              deadlineMs: run.onError?.timeoutMs,
            },
            { onRetry, ...(options.onPenalised ? { onPenalised: options.onPenalised } : {}) },
          ),
        );
        if (steady) {
          const population = resume?.config.population ?? run.population;
          return dispatcher.evaluate(genomes, { signal: context.signal }).then((fitness) => {
            told++;
            options.onProgress?.(
              Math.floor((told - 1) / population),
              ((told - 1) % population) + 1,
              population,
            );
            return fitness;
          });
        }
        return dispatcher.evaluate(genomes, {
          signal: context.signal,
          onProgress: (done, total) => options.onProgress?.(context.generation, done, total),
        });
      },
      onGeneration: async (entry, state) => {
        const at = performance.now();
        const stats: GenerationStats = {
          gen: entry.gen,
          evalsPerSecond:
            at > generationStarted ? entry.nevals / ((at - generationStarted) / 1000) : 0,
          retries: retries - retriesBefore,
          elapsedMs: at - generationStarted,
        };
        [generationStarted, retriesBefore] = [at, retries];
        perGeneration.push(stats);
        if (typeof checkpoint === 'string') await writeCheckpoint(checkpoint, state);
        else writer?.offer(state);
        await options.onGeneration?.(entry, state, stats);
      },
    });
  }

  function resultOf(result: EvolveResult): RunResult {
    const elapsedMs = performance.now() - started;
    const utilisation = utilisationOf(evaluator, busyAtStart, elapsedMs);
    const stats = dispatcher?.stats ?? emptyStats();
    const evaluations = result.logbook.reduce((sum, e) => sum + e.nevals, 0);
    const thisSession = evaluations - (resume?.evaluations ?? 0);
    return {
      problem: result.state.config.problem,
      seed: result.state.config.seed,
      logbook: result.logbook,
      stats: perGeneration,
      best: result.best,
      hallOfFame: result.hallOfFame,
      ...(result.state.objectives
        ? {
            objectives: result.state.objectives,
            ...(result.logbook.at(-1)?.hypervolume === undefined
              ? {}
              : {
                  hypervolume: result.logbook.at(-1)!.hypervolume!,
                  referencePoint: result.state.referencePoint!,
                }),
          }
        : {}),
      stoppedBy: result.stoppedBy,
      evaluations,
      evaluationsSent: stats.evaluationsSent,
      cacheHits: stats.cacheHits,
      penalised: stats.penalised,
      calls: {
        requested: stats.requested,
        cached: stats.cacheHits,
        distinct: stats.distinct,
        sent: stats.evaluationsSent,
        duplicates: stats.duplicates,
        failed: stats.penalised,
        timedOut: stats.timedOutGenomes,
      },
      ...(result.state.config.fingerprint ? { fingerprint: result.state.config.fingerprint } : {}),
      ...(result.state.config.codeChanges ? { codeChanges: result.state.config.codeChanges } : {}),
      retries: stats.retries,
      timeouts: stats.timeouts,
      ...(utilisation === undefined ? {} : { utilisation }),
      speculated: stats.speculated,
      speculationWins: stats.speculationWins,
      ...(evaluator.members ? { members: evaluator.members() } : {}),
      ...(evaluator.usage ? spendOf(evaluator.usage()) : {}),
      ...(result.state.order
        ? {
            replay: {
              order: result.state.order,
              inFlight: (result.state.config.algorithm as { inFlight: number }).inFlight,
            },
          }
        : {}),
      elapsedMs,
      evalsPerSecond: thisSession / (elapsedMs / 1000),
      state: result.state,
    };
  }
}
