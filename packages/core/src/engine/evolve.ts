import type { Genome } from '../genome.js';
import { defaultRegistry, type ProblemRegistry } from '../problems/registry.js';
import type { Fitness } from '../problems/types.js';
import { throwIfAborted } from './abort.js';
import { ask, init, isComplete, tell } from './algorithm.js';
import { evolveSteady } from './evolve-steady.js';
import type { EngineState, Evaluated, LogbookEntry } from './state.js';
import { steadyStateOf } from './steady-state.js';
import type { StopReason } from './stop.js';

/** What an evaluator learns about the genomes it is given. */
export interface EvaluationContext {
  readonly problem: string;
  readonly params: Record<string, unknown>;
  readonly generation: number;
  readonly signal: AbortSignal | undefined;
}

/** Computes the fitness of each genome, same order. The only effect a run has. */
export type Evaluate = (
  genomes: Genome[],
  context: EvaluationContext,
) => Promise<readonly Fitness[]> | readonly Fitness[];

export interface EvolveOptions {
  readonly evaluate: Evaluate;
  /** Called after each generation is recorded, with its logbook line and the new state. */
  readonly onGeneration?: (entry: LogbookEntry, state: EngineState) => void | Promise<void>;
  readonly signal?: AbortSignal;
  /** Continue this state (a parsed checkpoint) instead of starting from `config`. */
  readonly resume?: EngineState;
  /**
   * Steady-state runs: tell fitness values in this order of ids (a recorded run's `order`)
   * whatever order they arrive in, so that the run repeats it exactly.
   */
  readonly replay?: readonly number[];
  readonly registry?: ProblemRegistry;
  /**
   * Asked before each generation after the first: a rule the caller applies (the client's
   * `stop.budgetUsd`, from the costs its targets report) ends the run there when it answers.
   */
  readonly stopBefore?: (state: EngineState) => 'budgetUsd' | undefined;
}

/** The outcome of a finished run. */
export interface EvolveResult {
  readonly state: EngineState;
  readonly logbook: readonly LogbookEntry[];
  readonly best: Evaluated;
  readonly hallOfFame: readonly Evaluated[];
  readonly evaluations: number;
  /** The rule that ended the run (see `stop.ts`). */
  readonly stoppedBy: StopReason;
}

/** How long a synchronous run may hold the thread before it lets timers and signals in. */
const YIELD_EVERY_MS = 20;
const yieldToEventLoop = () =>
  new Promise<void>((resolve) =>
    typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
  );

/**
 * Runs a GA to completion: `ask`, `evaluate`, `tell`, once per generation. The result is a
 * pure function of the configuration (seed included), whatever the evaluator does in between.
 */
export async function evolve(config: unknown, options: EvolveOptions): Promise<EvolveResult> {
  const { evaluate, onGeneration, signal, registry = defaultRegistry } = options;
  let state = options.resume ?? init(config, registry);
  if (steadyStateOf(state)) return evolveSteady(state, options);
  // The wall clock only serves the timeMs rule and lets the event loop in between generations
  // (so a signal aborts even a synchronous evaluator); the run's course never depends on it.
  const started = performance.now();
  let yielded = started;
  const timeMs = state.config.stop?.timeMs;
  let outOfTime = false;
  let stoppedBefore: 'budgetUsd' | undefined;
  while (!isComplete(state)) {
    if (performance.now() - yielded >= YIELD_EVERY_MS) {
      await yieldToEventLoop();
      yielded = performance.now();
    }
    throwIfAborted(signal);
    if (timeMs !== undefined && state.logbook.length > 0 && performance.now() - started >= timeMs) {
      outOfTime = true;
      break;
    }
    if (state.logbook.length > 0) {
      stoppedBefore = options.stopBefore?.(state);
      if (stoppedBefore) break;
    }
    const { genomes, generation } = ask(state);
    const fitness = await evaluate(genomes, {
      problem: state.config.problem,
      params: state.config.params,
      generation,
      signal,
    });
    throwIfAborted(signal);
    state = tell(state, fitness);
    await onGeneration?.(state.logbook[state.logbook.length - 1]!, state);
  }
  return {
    state,
    logbook: state.logbook,
    best: state.best!,
    hallOfFame: state.hallOfFame,
    evaluations: state.evaluations,
    stoppedBy: outOfTime ? 'timeMs' : (stoppedBefore ?? state.stoppedBy ?? 'generations'),
  };
}

/**
 * An in-process evaluator for a registry problem: fitness on the calling thread (awaited when
 * the problem's fitness is asynchronous).
 */
export function localEvaluate(registry: ProblemRegistry = defaultRegistry): Evaluate {
  return (genomes, { problem, params }) => {
    const { instance } = registry.resolve(problem, params);
    const values = genomes.map((g) => instance.fitness(g));
    return values.some((v) => v instanceof Promise) ? Promise.all(values) : (values as Fitness[]);
  };
}
