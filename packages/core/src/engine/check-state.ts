import { GalapagosError } from '../errors.js';
import { genomeProblem } from '../genome.js';
import type { ProblemRegistry } from '../problems/registry.js';
import { assertState } from './algorithm.js';
import { resolveConfig } from './config.js';
import type { EngineState } from './state.js';

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Checks a state from outside (a checkpoint file) in depth before a run continues it: its
 * configuration resolves to itself, its genomes fit the problem, its fitness values are finite
 * numbers (or null where not evaluated yet), its logbook is numbers. An edited checkpoint
 * must not continue on one target and fail on another.
 * @throws GalapagosError `GALAPAGOS_ERR_INVALID_STATE` naming the first bad field (`details.path`).
 */
export function assertResumableState(
  state: unknown,
  registry: ProblemRegistry,
): asserts state is EngineState {
  assertState(state);
  const refuse = (path: string, reason: string): never => {
    throw new GalapagosError('GALAPAGOS_ERR_INVALID_STATE', `${path}: ${reason}`, {
      details: { path },
    });
  };
  let resolved: Record<string, unknown>;
  try {
    resolved = resolveConfig(state.config, registry) as unknown as Record<string, unknown>;
  } catch (error) {
    return refuse('/config', error instanceof Error ? error.message : String(error));
  }
  const recorded = state.config as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(resolved), ...Object.keys(recorded)]))
    if (JSON.stringify(resolved[key]) !== JSON.stringify(recorded[key]))
      refuse(`/config/${key}`, 'is not what the run was configured with (edited?)');
  const { instance } = registry.resolve(state.config.problem, state.config.params);
  if (JSON.stringify(instance.genome) !== JSON.stringify(state.genome))
    refuse('/genome', `does not match problem "${state.config.problem}"'s genome`);
  if (instance.objective !== state.objective)
    refuse('/objective', `must be "${instance.objective}" for problem "${state.config.problem}"`);
  if (JSON.stringify(instance.objectives) !== JSON.stringify(state.objectives))
    refuse(
      '/objectives',
      `must be ${JSON.stringify(instance.objectives ?? null)} for problem "${state.config.problem}"`,
    );
  const individuals: [string, { genome: unknown; fitness: unknown }, boolean][] = [
    ...state.population.map((ind, i): [string, typeof ind, boolean] => [
      `/population/${i}`,
      ind,
      true,
    ]),
    ...(state.parents ?? []).map((ind, i): [string, typeof ind, boolean] => [
      `/parents/${i}`,
      ind,
      false,
    ]),
    ...state.hallOfFame.map((ind, i): [string, typeof ind, boolean] => [
      `/hallOfFame/${i}`,
      ind,
      false,
    ]),
    ...(state.best ? [['/best', state.best, false] as [string, typeof state.best, boolean]] : []),
  ];
  for (const [path, ind, mayBeUnevaluated] of individuals) {
    if (ind === null || typeof ind !== 'object') refuse(path, 'must be an individual');
    const wrong = genomeProblem(instance.genome, ind.genome);
    if (wrong) refuse(`${path}/genome`, wrong);
    const m = state.objectives?.length ?? 0;
    const fits =
      m === 0
        ? finite(ind.fitness)
        : Array.isArray(ind.fitness) && ind.fitness.length === m && ind.fitness.every(finite);
    if (!(fits || (mayBeUnevaluated && ind.fitness === null)))
      refuse(
        `${path}/fitness`,
        `must be ${m === 0 ? 'a finite number' : `${m} finite numbers`}${mayBeUnevaluated ? ' or null' : ''}`,
      );
  }
  state.logbook.forEach((entry, i) => {
    for (const key of ['gen', 'nevals', 'max', 'avg', 'min', 'std'] as const)
      if (!finite((entry as unknown as Record<string, unknown>)[key]))
        refuse(`/logbook/${i}/${key}`, 'must be a finite number');
  });
  if (!Number.isSafeInteger(state.evaluations) || state.evaluations < 0)
    refuse('/evaluations', 'must be a non-negative integer');
}
