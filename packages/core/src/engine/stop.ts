/**
 * Stopping rules besides the generation count: whichever comes first ends the run, and the
 * state says which. All are decided from the state alone, so they are deterministic and a
 * resumed run stops where the uninterrupted one did; `timeMs` (wall clock) is the exception,
 * applied by `evolve`, and it leaves the state resumable.
 */
import Type, { type Static } from 'typebox';
import type { EngineState } from './state.js';

export const StopSchema = Type.Object(
  {
    evaluations: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          'Stop once this many evaluations have been asked for (checked per generation).',
      }),
    ),
    targetFitness: Type.Optional(
      Type.Number({
        description:
          'Stop once the best fitness reaches it (at least it when maximising, at most when minimising).',
      }),
    ),
    stagnation: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'Stop after this many generations without a better best individual.',
      }),
    ),
    timeMs: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 2_147_483_647,
        description:
          'Stop between generations once the run has taken this long (wall clock: the only rule that is not deterministic; the state stays resumable).',
      }),
    ),
    budgetUsd: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description:
          'Stop before the generation whose expected cost would take the run past this many US dollars. Applied by the caller that prices evaluations (the client, from what its targets report); like timeMs it depends on the world, and the state stays resumable. Between generations only: not for steady-state runs.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Stopping rules; the generation count always applies.',
  },
);
export type StopConfig = Static<typeof StopSchema>;

/** Why a run ended. */
export type StopReason =
  | 'generations'
  | 'evaluations'
  | 'targetFitness'
  | 'stagnation'
  | 'timeMs'
  | 'budgetUsd';

/** The deterministic rule a recorded state meets, if any (the generation count aside). */
export function stopRuleMet(
  state: EngineState,
): Exclude<StopReason, 'generations' | 'timeMs' | 'budgetUsd'> | undefined {
  const stop = state.config.stop;
  if (!stop) return undefined;
  if (stop.evaluations !== undefined && state.evaluations >= stop.evaluations) return 'evaluations';
  const best = state.best?.fitness;
  if (stop.targetFitness !== undefined && best !== undefined) {
    const reached =
      state.objective === 'max' ? best >= stop.targetFitness : best <= stop.targetFitness;
    if (reached) return 'targetFitness';
  }
  if (
    stop.stagnation !== undefined &&
    state.logbook.length - 1 - (state.bestSince ?? 0) >= stop.stagnation
  )
    return 'stagnation';
  return undefined;
}
