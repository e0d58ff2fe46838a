/**
 * The asynchronous driver of a steady-state run: keeps `inFlight` evaluations going, tells
 * each fitness as it arrives (or in a recorded order, to replay a run) and hands out the next
 * genome at once. The run's course is decided by the engine (`steady-state.ts`) from the order
 * of the fitness values alone.
 */
import { GalapagosError } from '../errors.js';
import type { Genome } from '../genome.js';
import { throwIfAborted } from './abort.js';
import { isComplete } from './algorithm.js';
import type { EvolveOptions, EvolveResult } from './evolve.js';
import type { EngineState } from './state.js';
import { askOne, canAskOne, steadyStateOf, tellOne } from './steady-state.js';

export async function evolveSteady(
  start: EngineState,
  options: EvolveOptions,
): Promise<EvolveResult> {
  const { evaluate, onGeneration, signal, replay } = options;
  const { inFlight } = steadyStateOf(start)!;
  let state = start;
  /** Evaluations running now, by id; each settles to its id. */
  const running = new Map<number, Promise<number>>();
  const arrived = new Map<number, number>();
  let failure: unknown;
  const launch = (id: number, genome: Genome) => {
    const done = Promise.resolve(
      evaluate([genome], {
        problem: state.config.problem,
        params: state.config.params,
        generation: Math.floor(id / state.config.population),
        signal,
      }),
    ).then(
      (fitness) => {
        arrived.set(id, fitness[0] as number);
        return id;
      },
      (error: unknown) => {
        failure ??= error;
        return id;
      },
    );
    running.set(id, done);
  };
  // A resumed state's genomes in flight are sent again, then the run tops up.
  for (const { id, genome } of state.pending ?? []) launch(id, genome);
  const topUp = () => {
    while (running.size < inFlight && canAskOne(state)) {
      const asked = askOne(state);
      state = asked.state;
      launch(asked.id, asked.genome);
    }
  };
  topUp();
  while (!isComplete(state)) {
    throwIfAborted(signal);
    if (running.size === 0)
      throw new GalapagosError(
        'GALAPAGOS_ERR_INVALID_STATE',
        'nothing in flight and the run is not complete',
      );
    // The next fitness to tell: the replayed order's, else whichever arrives first.
    const wanted = replay?.[state.order?.length ?? 0];
    let id: number;
    if (wanted !== undefined) {
      if (!running.has(wanted) && !arrived.has(wanted))
        throw new GalapagosError(
          'GALAPAGOS_ERR_INVALID_STATE',
          `the replayed order asks for genome ${wanted}, which this run has not handed out: the order is not this run's`,
        );
      await running.get(wanted);
      id = wanted;
    } else id = await Promise.race(running.values());
    if (failure !== undefined) throw failure;
    throwIfAborted(signal);
    const fitness = arrived.get(id)!;
    running.delete(id);
    arrived.delete(id);
    const before = state.logbook.length;
    state = tellOne(state, id, fitness);
    if (state.logbook.length > before)
      await onGeneration?.(state.logbook[state.logbook.length - 1]!, state);
    topUp();
  }
  return {
    state,
    logbook: state.logbook,
    best: state.best!,
    hallOfFame: state.hallOfFame,
    evaluations: state.evaluations,
    stoppedBy: state.stoppedBy ?? 'generations',
  };
}
