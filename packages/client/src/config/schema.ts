/**
 * `galapagos.config.json`: one schema with defaults and descriptions. The JSON Schema file
 * shipped in `schema/` is generated from it at build time, for editors (`"$schema"`).
 * The `run` section is core's engine config plus the client's own fields; each target kind
 * brings its own schema (`../targets/`).
 */
import { EngineConfigSchema } from '@galapagos/core';
import Type, { type Static } from 'typebox';
import { type Target, TargetSchema } from '../targets/index.js';

/**
 * The client's own run settings, beside the engine's: what the client does around the
 * evolution (which modules to load, a simulated cost, what to do when a fitness fails).
 */
export const RUN_CLIENT_FIELDS = ['problems', 'onError', 'cost'] as const;

/** Core's engine settings: the run's state records them (the client records the fingerprint). */
const { fingerprint: _recordedByTheClient, ...ENGINE_FIELDS } = EngineConfigSchema.properties;

export const RunSchema = Type.Object(
  {
    ...ENGINE_FIELDS,
    problem: Type.String({
      minLength: 1,
      maxLength: 64,
      default: 'onemax',
      description: 'Problem id (see GET /v1/problems).',
    }),
    problems: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description:
          'Your problem modules (.ts, .mts, .js, .mjs files exporting `problems`), relative to this file. Loaded by the embedded target and by spawned local servers; remote targets must serve the same code (checked by fingerprint).',
      }),
    ),
    onError: Type.Optional(
      Type.Object(
        {
          penalty: Type.Optional(
            Type.Number({
              description:
                'Fitness given to a genome whose evaluation fails (the fitness threw, returned a non-number, ran past its timeoutMs or crashed its thread); the run goes on and counts them. Without it such a failure stops the run, naming the genomes.',
            }),
          ),
          retries: Type.Optional(
            Type.Integer({
              minimum: 0,
              maximum: 10,
              default: 0,
              description:
                'Times a genome whose evaluation failed is evaluated again (alone) before it counts as failed: for a fitness that fails now and then. Default 0: a deterministic fitness fails the same way again.',
            }),
          ),
          timeoutMs: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 86_400_000,
              description:
                "Longest one genome's evaluation may run, ms, overriding the problem's own timeoutMs (default 60 000 for your own problems). Past it, the genome fails with GALAPAGOS_ERR_EVALUATION_TIMEOUT and its thread and program are replaced.",
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    cost: Type.Optional(
      Type.Object(
        {
          ms: Type.Number({ minimum: 0, description: 'Simulated cost per evaluation, ms.' }),
          sigma: Type.Optional(
            Type.Number({
              minimum: 0,
              maximum: 3,
              description:
                'Uneven, heavy-tailed costs: lognormal around ms (its median), drawn from a hash of each genome, so reproducible.',
            }),
          ),
          mode: Type.Union([Type.Literal('busy'), Type.Literal('cpu'), Type.Literal('sleep')], {
            default: 'busy',
          }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  {
    additionalProperties: false,
    default: {},
    description:
      "The engine's settings (core's EngineConfigSchema: params, population, generations, cxpb, mutpb, selection, crossover, mutation, hallOfFame, seed) and the client's (problems, cost, onError).",
  },
);

export const DispatchSchema = Type.Object(
  {
    batchSize: Type.Union([Type.Literal('auto'), Type.Integer({ minimum: 1 })], {
      default: 'auto',
      description:
        'Genomes per request, or auto: enough batches to keep every concurrency slot busy.',
    }),
    concurrency: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 32,
      description: 'Requests in flight at once.',
    }),
    timeoutMs: Type.Integer({
      minimum: 1,
      // The longest delay a Node timer keeps; a longer one would fire at once.
      maximum: 2_147_483_647,
      default: 120_000,
      description:
        'Longest wait for a reply; the dispatcher waits less (4 × the expected time, at least 10 s) when it can tell. A batch that times out is sent again.',
    }),
    retries: Type.Integer({
      minimum: 0,
      default: 8,
      description: 'Retries per batch (connection errors, 429/502/503/504, timeouts).',
    }),
    speculate: Type.Optional(
      Type.Union(
        [
          Type.Boolean(),
          Type.Object(
            {
              factor: Type.Optional(
                Type.Number({
                  minimum: 1,
                  maximum: 100,
                  description: "Multiple of the generation's median batch time (default 2).",
                }),
              ),
              minMs: Type.Optional(
                Type.Integer({
                  minimum: 0,
                  maximum: 2_147_483_647,
                  description: 'Never before this many ms (default 100).',
                }),
              ),
            },
            { additionalProperties: false },
          ),
        ],
        {
          description:
            "Speculative re-dispatch: a batch running factor × longer than its generation's median gets a duplicate on idle capacity (a free request slot, and idle threads where the target says how many it has), and the first reply wins; the loser is cancelled and its program ended. Default: on where a duplicate can land elsewhere (several servers, Lambda), off for one server, a fleet (BullMQ takes over a lost worker's batch) and embedded.",
        },
      ),
    ),
    cache: Type.Boolean({
      default: true,
      description:
        'Reuse the fitness of genomes already evaluated in this run (turn off for noisy problems).',
    }),
  },
  { additionalProperties: false, default: {} },
);

export const ConfigSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    run: RunSchema,
    dispatch: DispatchSchema,
    targets: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_-]+$' }), TargetSchema, {
      default: {},
    }),
    defaultTarget: Type.Optional(Type.String()),
  },
  { additionalProperties: false, title: 'Galápagos client configuration' },
);

export type { Target } from '../targets/index.js';
export type RunConfig = Static<typeof RunSchema>;
export type DispatchConfig = Static<typeof DispatchSchema>;
/** A validated config: each target is one of the kinds' configs. */
export type Config = Omit<Static<typeof ConfigSchema>, 'targets'> & {
  targets: Record<string, Target>;
};
