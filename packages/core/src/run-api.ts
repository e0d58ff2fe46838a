/**
 * The run API (`/v1/runs`): its replies as JSON Schemas (the server's routes declare them, so
 * `/docs` shows them; its callers read the same shapes) and its error codes, raised by the run
 * service a server hosts and answered with their statuses. One catalogue for both sides.
 */
import Type from 'typebox';
import { descriptionsOf, RUN_REPLY_CODES } from './reply-codes.js';

export const RUN_ERROR_CODES = descriptionsOf(RUN_REPLY_CODES);

export type RunErrorCode = keyof typeof RUN_ERROR_CODES;

/** A fitness: a number, or one per objective. */
const FitnessSchema = Type.Union([Type.Number(), Type.Array(Type.Number())]);
/** A JSON object whose fields the engine defines (a logbook line, an individual, a state). */
const open = (description: string) => Type.Object({}, { additionalProperties: true, description });

export const RUN_STATUS_VALUES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

export const RunSummarySchema = Type.Object(
  {
    id: Type.String(),
    status: Type.Union(RUN_STATUS_VALUES.map((s) => Type.Literal(s))),
    problem: Type.String(),
    target: Type.String({ description: "`self` (the server's pool) or a target of its config" }),
    seed: Type.Number(),
    generation: Type.Integer({ description: 'The last generation done; -1 before the first' }),
    generations: Type.Integer(),
    best: Type.Optional(FitnessSchema),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
  },
  { title: 'RunSummary', description: 'One run: where it stands' },
);

export const RunDetailSchema = Type.Object(
  {
    ...RunSummarySchema.properties,
    logbook: Type.Array(open('A logbook line: gen, nevals, max, avg, min, std')),
    stats: Type.Array(open('Evaluations per second and retries of a generation')),
    hallOfFame: Type.Array(open('An individual: genome and fitness')),
    bestIndividual: Type.Optional(open('The best individual: genome and fitness')),
    objectives: Type.Optional(Type.Array(Type.Union([Type.Literal('max'), Type.Literal('min')]))),
    outcome: Type.Optional(
      open(
        'How the run ended: best, hall of fame, stoppedBy, evaluations, calls (asked for, distinct, sent, duplicates by reason)',
      ),
    ),
    fingerprint: Type.Optional(Type.String()),
    resumed: Type.Integer({ description: 'Times a restarted server took the run up again' }),
  },
  { title: 'RunDetail', description: 'One run: the summary, the logbook so far, the best' },
);

export const RunListSchema = Type.Array(RunSummarySchema, {
  description: 'Every run, oldest first',
});

export const RunStateSchema = open(
  "The engine state after the run's last generation: a checkpoint (galapagos run --resume)",
);

export const RunGenerationEventSchema = Type.Object(
  {
    entry: open("The generation's logbook line"),
    stats: Type.Optional(open('Its evaluations per second and retries')),
  },
  { description: '`event: generation`, `id:` the generation number' },
);

/** What the event stream carries: generation events, then one `end` event (the summary). */
export const RunEventSchema = Type.Union([RunGenerationEventSchema, RunSummarySchema], {
  description:
    'Server-Sent Events: `generation` (data: { entry, stats }, id: the generation), then `end` (data: the summary)',
});
