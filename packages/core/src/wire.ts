/**
 * Wire protocol v1: JSON Schemas of every request and response body, shared by the server
 * (validation, OpenAPI) and the client (types, reply checks).
 */
import Type, { type Static } from 'typebox';

/** Simulated cost modes: see `@galapagos/core/runtime`. */
export const COST_MODES = ['busy', 'cpu', 'sleep'] as const;
export type CostMode = (typeof COST_MODES)[number];

/** Simulated evaluation cost, per genome. */
export const CostSchema = Type.Object(
  {
    ms: Type.Number({
      minimum: 0,
      maximum: 86_400_000,
      description: 'Milliseconds per genome (servers cap this).',
    }),
    mode: Type.Union([Type.Literal('busy'), Type.Literal('cpu'), Type.Literal('sleep')], {
      default: 'busy',
      description:
        'busy: spin on the clock (the reference busy_wait); cpu: fixed CPU work calibrated to ms; sleep: wait without CPU.',
    }),
    sigma: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 3,
        description:
          'Uneven costs: each genome costs ms × e^(sigma·z), z a standard normal drawn from a hash of the genome (lognormal, median ms, clamped to ±3 sd): reproducible, heavy-tailed.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type Cost = Static<typeof CostSchema>;

/**
 * A genome in wire form: a `0/1` string (binary) or an array of numbers (real, permutation).
 * A string's length is checked against the problem's genome length, exactly, before its
 * characters: a `maxLength` here would have the schema validator count every genome's code
 * points first (~0.3 ms of a server's time for 1,000 genomes of 100 bits).
 */
export const WireGenomeSchema = Type.Union([
  Type.String({ description: "A binary genome: the problem's length in 0/1 characters." }),
  Type.Array(Type.Number(), { maxItems: 1_000_000 }),
]);

/** Most genomes one evaluate request may carry (a server may allow fewer: see its limits). */
export const MAX_GENOMES_PER_REQUEST = 100_000;

/** `POST /v1/evaluate` request body (and the direct-invoke event). */
export const EvaluateRequestSchema = Type.Object(
  {
    problem: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]*$' }),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    cost: Type.Optional(CostSchema),
    genomes: Type.Array(WireGenomeSchema, { minItems: 1, maxItems: MAX_GENOMES_PER_REQUEST }),
    partial: Type.Optional(
      Type.Boolean({
        description:
          "Answer genomes whose evaluation failed or timed out in `failures` (their fitness null), and the others' fitness, instead of failing the whole request: no healthy genome needs sending again.",
      }),
    ),
    timeoutMs: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 86_400_000,
        description:
          "Longest one genome's evaluation may run, ms (default: the problem's own timeoutMs). The server's request deadline still applies.",
      }),
    ),
  },
  { additionalProperties: false },
);
export type EvaluateRequest = Static<typeof EvaluateRequestSchema>;

/** Codes a genome's own failure carries in a partial reply. */
export const GENOME_FAILURE_CODES = [
  'GALAPAGOS_ERR_EVALUATION_FAILED',
  'GALAPAGOS_ERR_EVALUATION_TIMEOUT',
] as const;

/** One genome whose evaluation failed, in a partial reply (see `partial`). */
export const GenomeFailureSchema = Type.Object(
  {
    index: Type.Integer({ minimum: 0, description: "The genome's index in the request." }),
    code: Type.Union([
      Type.Literal('GALAPAGOS_ERR_EVALUATION_FAILED'),
      Type.Literal('GALAPAGOS_ERR_EVALUATION_TIMEOUT'),
    ]),
    message: Type.String(),
  },
  { additionalProperties: false },
);
export type GenomeFailure = Static<typeof GenomeFailureSchema>;

/** `POST /v1/evaluate` reply: `fitness[i]` belongs to `genomes[i]`. */
export const EvaluateResponseSchema = Type.Object(
  {
    fitness: Type.Array(
      Type.Union([
        Type.Number(),
        Type.Array(Type.Number(), { minItems: 2, maxItems: 64 }),
        Type.Null(),
      ]),
      {
        description:
          'One per genome: a number, or for a multi-objective problem one number per objective; null for a genome listed in `failures` (partial requests only).',
      },
    ),
    failures: Type.Optional(
      Type.Array(GenomeFailureSchema, {
        description: 'Genomes whose evaluation failed or timed out (partial requests only).',
      }),
    ),
    problem: Type.String(),
    count: Type.Integer({ minimum: 0 }),
    elapsedMs: Type.Number({ minimum: 0, description: 'Server-side evaluation time.' }),
    busyMs: Type.Optional(
      Type.Number({
        minimum: 0,
        description:
          "Worker-thread time the request took (costs and fitness, all its chunks), ms: the clients' utilisation figure.",
      }),
    ),
  },
  { additionalProperties: false },
);
export type EvaluateResponse = Static<typeof EvaluateResponseSchema>;

const GenomeSpecSchema = Type.Union([
  Type.Object({ kind: Type.Literal('binary'), length: Type.Integer() }),
  Type.Object({
    kind: Type.Literal('real'),
    length: Type.Integer(),
    low: Type.Number(),
    high: Type.Number(),
  }),
  Type.Object({ kind: Type.Literal('permutation'), length: Type.Integer() }),
]);

/** One entry of `GET /v1/problems`. */
export const ProblemSummarySchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  objective: Type.Union([Type.Literal('max'), Type.Literal('min')]),
  objectives: Type.Optional(
    Type.Array(Type.Union([Type.Literal('max'), Type.Literal('min')]), {
      minItems: 2,
      maxItems: 64,
      description: "A multi-objective problem's objectives; fitness is then a vector.",
    }),
  ),
  referencePoint: Type.Optional(
    Type.Array(Type.Number(), { description: 'Where its hypervolume is measured from.' }),
  ),
  genome: GenomeSpecSchema,
  optimum: Type.Optional(Type.Number()),
  params: Type.Unknown({ description: 'JSON Schema of the parameters, with defaults.' }),
  fingerprint: Type.Optional(
    Type.String({
      description:
        "Hash of the problem's bundled code and definition: equal fingerprints, same fitness.",
    }),
  ),
});

/** `GET /v1/problems` reply. */
export const ProblemListSchema = Type.Object({ problems: Type.Array(ProblemSummarySchema) });
export type ProblemList = Static<typeof ProblemListSchema>;

/** `GET /health` reply. */
export const HealthSchema = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  threads: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Threads evaluating fitness (the pool size).' }),
  ),
  workers: Type.Integer({
    minimum: 0,
    description: 'The old name of threads, kept for clients that read it.',
  }),
  uptime: Type.Number({ minimum: 0, description: 'Seconds since start.' }),
  limits: Type.Optional(
    Type.Object(
      {
        maxGenomes: Type.Integer({ minimum: 1, description: 'Most genomes per request.' }),
        bodyLimit: Type.Integer({ minimum: 1, description: 'Largest request body, bytes.' }),
        maxCostMs: Type.Number({ minimum: 0, description: 'Largest cost.ms per genome.' }),
        maxCostTotalMs: Type.Number({
          minimum: 0,
          description: 'Largest cost.ms × genomes per request.',
        }),
        timeoutMs: Type.Integer({ minimum: 1, description: 'Evaluation deadline per request.' }),
      },
      { description: "The server's limits: clients size their batches to them." },
    ),
  ),
});
export type Health = Static<typeof HealthSchema>;

/** Every error reply. `code` is a stable `GALAPAGOS_ERR_*`. */
export const ErrorReplySchema = Type.Object({
  statusCode: Type.Integer({ minimum: 400, maximum: 599 }),
  code: Type.String({ pattern: '^GALAPAGOS_ERR_[A-Z_]+$' }),
  error: Type.String(),
  message: Type.String(),
});
export type ErrorReply = Static<typeof ErrorReplySchema>;
