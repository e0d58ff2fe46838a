/**
 * A short probe of a target for `galapagos plan`: the run's own genomes (an initial population
 * drawn as the run would) sent through the run's own dispatcher, cache off: one round the size
 * of the first generation and one the size of a later one, timed as the run will see them
 * (batching, splitting over threads, speculation, round trips), and priced from the target's
 * reported usage. Rounds above {@link PROBE_CAP} genomes are probed with that many.
 */
import { type EngineConfig, type Genome, init, type ProblemRegistry } from '@galapagos/core';
import type { DispatchConfig } from '../config/schema.js';
import { Dispatcher, type DispatchProblem } from '../dispatch/dispatcher.js';
import type { Evaluator } from '../evaluators/types.js';
import type { ProbeFigures } from './model.js';

/** Largest round a probe sends, genomes. */
export const PROBE_CAP = 256;

export async function probeFigures(
  evaluator: Evaluator,
  config: EngineConfig,
  registry: ProblemRegistry,
  problem: DispatchProblem,
  dispatch: DispatchConfig,
  /** The size of a later generation's round (the run's median). */
  laterGenomes: number,
  signal: AbortSignal,
): Promise<ProbeFigures> {
  const first = Math.min(config.population, PROBE_CAP);
  const later = Math.max(1, Math.min(laterGenomes, PROBE_CAP));
  // Distinct genomes for both rounds, drawn as the run's initial population is.
  // Warm-up: one genome per connection, so that every environment (a Lambda instance, a
  // keep-alive socket, a thread) the rounds use is up; its time is the cold start, if any.
  const warm = Math.min(
    dispatch.concurrency,
    evaluator.capacity ?? dispatch.concurrency,
    PROBE_CAP,
  );
  const size = Math.ceil((warm + first + later) / 4) * 4;
  const genomes: Genome[] = init({ ...config, population: size }, registry).population.map(
    (i) => i.genome,
  );
  const dispatcher = new Dispatcher(evaluator, { ...dispatch, cache: false }, problem);
  const oneEach = new Dispatcher(evaluator, { ...dispatch, cache: false, batchSize: 1 }, problem);
  const round = async (from: number, n: number, through = dispatcher) => {
    const started = performance.now();
    await through.evaluate(genomes.slice(from, from + n), { signal });
    return performance.now() - started;
  };
  const usdBefore = evaluator.usage?.().usd ?? 0;
  const firstMs = await round(0, warm, oneEach);
  const firstRoundMs = await round(warm, first);
  const laterRoundMs = await round(warm + first, later);
  const sent = warm + first + later;
  return {
    firstRoundMs,
    firstRoundGenomes: first,
    laterRoundMs,
    laterRoundGenomes: later,
    slots: evaluator.capacity,
    usdPerGenome: Math.max(0, (evaluator.usage?.().usd ?? 0) - usdBefore) / sent,
    firstMs,
  };
}
