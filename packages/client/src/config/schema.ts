/**
 * `galapagos.config.json`: one schema with defaults and descriptions. The JSON Schema file
 * shipped in `schema/` is generated from it at build time, for editors (`"$schema"`).
 */
import Type, { type Static } from 'typebox';

const Env = Type.Object(
  {
    env: Type.String({
      pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
      description: 'Environment variable holding the value.',
    }),
    prefix: Type.Optional(Type.String({ description: 'Prepended to the value, e.g. "Bearer ".' })),
  },
  {
    additionalProperties: false,
    description: 'A header value read from the environment at run time.',
  },
);

export const EmbeddedTargetSchema = Type.Object(
  {
    type: Type.Literal('embedded'),
    workers: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1024,
        description: 'Worker threads; default: one per core.',
      }),
    ),
    description: Type.Optional(Type.String()),
  },
  {
    additionalProperties: false,
    description: 'Evaluate in this process on a worker-thread pool: no server, no network.',
  },
);

export const SpawnSchema = Type.Object(
  {
    workers: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1024,
        description: 'GALAPAGOS_WORKERS of the spawned server.',
      }),
    ),
    env: Type.Optional(
      Type.Record(Type.String({ pattern: '^GALAPAGOS_[A-Z_]+$' }), Type.String(), {
        description: 'Extra GALAPAGOS_* settings for the spawned server.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const HttpTargetSchema = Type.Object(
  {
    type: Type.Literal('http'),
    url: Type.Optional(
      Type.String({ pattern: '^https?://', description: 'Base URL of one server.' }),
    ),
    urls: Type.Optional(
      Type.Array(Type.String({ pattern: '^https?://' }), {
        minItems: 1,
        description: 'Base URLs of several servers or replicas; batches go to the least busy.',
      }),
    ),
    headers: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z0-9-]+$' }), Env, {
        description: 'Headers whose values come from environment variables, never literals.',
      }),
    ),
    spawn: Type.Optional(
      Type.Union([Type.Boolean(), SpawnSchema], {
        description: 'Start a local server (on a free port) when nothing answers at url.',
      }),
    ),
    maxBatchBytes: Type.Optional(
      Type.Integer({
        minimum: 1024,
        description: 'Largest request body; batches are split to stay under it. Default 6 MiB.',
      }),
    ),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false, description: 'One or more Galápagos servers over HTTP.' },
);

export const LambdaTargetSchema = Type.Object(
  {
    type: Type.Literal('lambda'),
    function: Type.String({
      minLength: 1,
      description: 'Function name or ARN (printed by pnpm deploy:lambda).',
    }),
    qualifier: Type.Optional(Type.String({ description: 'Version or alias.' })),
    region: Type.Optional(
      Type.String({
        pattern: '^[a-z]{2}(-[a-z]+)+-\\d$',
        description: 'AWS region; default: the AWS configuration.',
      }),
    ),
    endpoint: Type.Optional(
      Type.String({
        pattern: '^https?://',
        description: 'Another Invoke API (emulators such as serverless-offline).',
      }),
    ),
    maxBatchBytes: Type.Optional(
      Type.Integer({
        minimum: 1024,
        maximum: 6 * 1024 * 1024,
        description: 'Largest invoke payload; default 5.5 MiB (the synchronous limit is 6 MB).',
      }),
    ),
    description: Type.Optional(Type.String()),
  },
  {
    additionalProperties: false,
    description: 'Direct invokes of a Lambda function; credentials from the standard AWS chain.',
  },
);

export const TARGET_SCHEMAS = {
  embedded: EmbeddedTargetSchema,
  http: HttpTargetSchema,
  lambda: LambdaTargetSchema,
} as const;
export const TargetSchema = Type.Union([
  EmbeddedTargetSchema,
  HttpTargetSchema,
  LambdaTargetSchema,
]);

export const RunSchema = Type.Object(
  {
    problem: Type.String({ default: 'onemax', description: 'Problem id (see GET /v1/problems).' }),
    problems: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description:
          'Your problem modules (.ts, .mts, .js, .mjs files exporting `problems`), relative to this file. Loaded by the embedded target and by spawned local servers; remote targets must serve the same code (checked by fingerprint).',
      }),
    ),
    onError: Type.Optional(
      Type.Object(
        {
          penalty: Type.Number({
            description:
              'Fitness given to a genome whose evaluation fails (the fitness threw, returned a non-number, or crashed its thread); the run goes on and counts them. Without onError such a failure stops the run.',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    params: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'Problem parameters.' }),
    ),
    population: Type.Integer({ minimum: 2, default: 100 }),
    generations: Type.Integer({ minimum: 0, default: 50 }),
    cxpb: Type.Number({ minimum: 0, maximum: 1, default: 0.9 }),
    mutpb: Type.Number({ minimum: 0, maximum: 1, default: 0.1 }),
    tournament: Type.Integer({ minimum: 1, default: 3, description: 'Tournament size.' }),
    hallOfFame: Type.Integer({
      minimum: 0,
      default: 1,
      description: 'Elitism: best individuals passed on unchanged.',
    }),
    seed: Type.Integer({ default: 1 }),
    cost: Type.Optional(
      Type.Object(
        {
          ms: Type.Number({ minimum: 0, description: 'Simulated cost per evaluation, ms.' }),
          mode: Type.Union([Type.Literal('busy'), Type.Literal('cpu'), Type.Literal('sleep')], {
            default: 'busy',
          }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, default: {} },
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

export type EmbeddedTarget = Static<typeof EmbeddedTargetSchema>;
export type HttpTarget = Static<typeof HttpTargetSchema>;
export type LambdaTarget = Static<typeof LambdaTargetSchema>;
export type Target = EmbeddedTarget | HttpTarget | LambdaTarget;
export type RunConfig = Static<typeof RunSchema>;
export type DispatchConfig = Static<typeof DispatchSchema>;
export type Config = Static<typeof ConfigSchema>;
