import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { GalapagosError } from '../errors.js';
import type { GenomeSpec } from '../genome.js';
import type { ProblemRegistry } from '../problems/registry.js';
import { type ConfigIssue, issuesLine, schemaIssues } from '../schema-issues.js';

const Probability = (description: string, defaultValue?: number) =>
  Type.Number({
    minimum: 0,
    maximum: 1,
    description,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  });
const Indpb = Type.Optional(
  Probability('Per-gene probability; defaults to the usual choice for the operator.'),
);
const Operator = <N extends string, P extends Record<string, ReturnType<typeof Probability>>>(
  name: N,
  props: P,
  description: string,
) =>
  Type.Object({ name: Type.Literal(name), ...props }, { additionalProperties: false, description });

/** Selection operator and its settings. */
export const SelectionSchema = Type.Union([
  Type.Object(
    {
      name: Type.Literal('selTournament'),
      tournsize: Type.Integer({ minimum: 1, maximum: 1000, default: 3 }),
    },
    { additionalProperties: false, description: 'Tournaments of `tournsize` random individuals.' },
  ),
  Operator('selRoulette', {}, 'Fitness-proportionate (maximisation, non-negative fitness only).'),
  Operator('selBest', {}, 'The best individuals, deterministically.'),
  Operator('selRandom', {}, 'Uniformly random individuals.'),
]);

/** Crossover operator and its settings; it must suit the problem's genome kind. */
export const CrossoverSchema = Type.Union([
  Operator('cxOnePoint', {}, 'One cut point (binary, real).'),
  Operator('cxTwoPoint', {}, 'Two cut points (binary, real).'),
  Operator('cxUniform', { indpb: Probability('Per-gene swap probability.', 0.5) }, 'Uniform.'),
  Type.Object(
    {
      name: Type.Literal('cxBlend'),
      alpha: Type.Number({ minimum: 0, maximum: 10, default: 0.5 }),
    },
    { additionalProperties: false, description: 'BLX-alpha blend (real).' },
  ),
  Type.Object(
    {
      name: Type.Literal('cxSimulatedBinaryBounded'),
      eta: Type.Number({ minimum: 0, maximum: 1000, default: 20 }),
    },
    { additionalProperties: false, description: 'Bounded SBX (real).' },
  ),
  Operator('cxOrdered', {}, 'Ordered crossover OX1 (permutation).'),
  Operator('cxPartiallyMatched', {}, 'Partially matched crossover PMX (permutation).'),
]);

/** Mutation operator and its settings; it must suit the problem's genome kind. */
export const MutationSchema = Type.Union([
  Operator('mutFlipBit', { indpb: Indpb }, 'Flip each bit with indpb (default 1/length).'),
  Type.Object(
    {
      name: Type.Literal('mutGaussian'),
      mu: Type.Number({ minimum: -1e9, maximum: 1e9, default: 0 }),
      sigma: Type.Number({ minimum: 0, maximum: 1e9, default: 1 }),
      indpb: Indpb,
    },
    { additionalProperties: false, description: 'Gaussian noise, clamped to bounds (real).' },
  ),
  Type.Object(
    {
      name: Type.Literal('mutPolynomialBounded'),
      eta: Type.Number({ minimum: 0, maximum: 1000, default: 20 }),
      indpb: Indpb,
    },
    { additionalProperties: false, description: 'Polynomial bounded mutation (real).' },
  ),
  Operator('mutShuffleIndexes', { indpb: Indpb }, 'Swap positions (permutation; default 2/n).'),
]);

/** The settings of one GA run. Everything has a default except the problem. */
export const EngineConfigSchema = Type.Object(
  {
    problem: Type.String({ minLength: 1, maxLength: 64, description: 'Registry id.' }),
    params: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'Problem parameters.' }),
    ),
    population: Type.Integer({ minimum: 2, maximum: 1_000_000, default: 100 }),
    generations: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 50 }),
    cxpb: Probability('Probability that a pair of offspring is crossed over.', 0.9),
    mutpb: Probability('Probability that an offspring is mutated.', 0.1),
    selection: Type.Optional(SelectionSchema),
    crossover: Type.Optional(CrossoverSchema),
    mutation: Type.Optional(MutationSchema),
    hallOfFame: Type.Integer({
      minimum: 0,
      maximum: 10_000,
      default: 1,
      description: 'Best individuals kept and passed unchanged to the next generation (elitism).',
    }),
    seed: Type.Integer({
      minimum: -Number.MAX_SAFE_INTEGER,
      maximum: Number.MAX_SAFE_INTEGER,
      default: 1,
    }),
    fingerprint: Type.Optional(
      Type.String({
        maxLength: 128,
        description:
          "The problem's fingerprint (its code and definition), recorded so that a run is only resumed against the same code. The engine does not use it.",
      }),
    ),
  },
  { additionalProperties: false },
);

/** A run configuration as written by a user: only `problem` is required. */
export type EngineConfigInput = { problem: string } & Partial<Static<typeof EngineConfigSchema>>;
export type SelectionConfig = Static<typeof SelectionSchema>;
export type CrossoverConfig = Static<typeof CrossoverSchema>;
export type MutationConfig = Static<typeof MutationSchema>;

/** A configuration with every default filled in: what a run's state records. */
export interface EngineConfig {
  readonly problem: string;
  readonly params: Record<string, unknown>;
  readonly population: number;
  readonly generations: number;
  readonly cxpb: number;
  readonly mutpb: number;
  readonly selection: SelectionConfig;
  readonly crossover: CrossoverConfig;
  readonly mutation: MutationConfig & { indpb: number };
  readonly hallOfFame: number;
  readonly seed: number;
  /** The problem's fingerprint, where the caller recorded one. */
  readonly fingerprint?: string;
}

const CROSSOVERS_BY_KIND: Record<GenomeSpec['kind'], readonly CrossoverConfig['name'][]> = {
  binary: ['cxOnePoint', 'cxTwoPoint', 'cxUniform'],
  real: ['cxOnePoint', 'cxTwoPoint', 'cxUniform', 'cxBlend', 'cxSimulatedBinaryBounded'],
  permutation: ['cxOrdered', 'cxPartiallyMatched'],
};
const MUTATIONS_BY_KIND: Record<GenomeSpec['kind'], readonly MutationConfig['name'][]> = {
  binary: ['mutFlipBit'],
  real: ['mutPolynomialBounded', 'mutGaussian'],
  permutation: ['mutShuffleIndexes'],
};

function defaultCrossover(kind: GenomeSpec['kind']): CrossoverConfig {
  if (kind === 'binary') return { name: 'cxOnePoint' };
  if (kind === 'real') return { name: 'cxSimulatedBinaryBounded', eta: 20 };
  return { name: 'cxOrdered' };
}

function defaultMutation(spec: GenomeSpec): MutationConfig {
  if (spec.kind === 'binary') return { name: 'mutFlipBit' };
  if (spec.kind === 'real') return { name: 'mutPolynomialBounded', eta: 20 };
  return { name: 'mutShuffleIndexes', indpb: Math.min(1, 2 / spec.length) };
}

const PLAIN_FIELDS = Type.Omit(EngineConfigSchema, ['selection', 'crossover', 'mutation'], {
  additionalProperties: false,
});
const OPERATOR_FIELDS = [
  ['selection', SelectionSchema],
  ['crossover', CrossoverSchema],
  ['mutation', MutationSchema],
] as const;

/**
 * Fills the defaults of a run configuration in place and collects its schema issues (paths
 * prefixed with `at`), with union noise reduced to one line per operator field: the
 * operator's name picks its branch, whose own defaults and errors then apply. `skip` names
 * fields that belong to a caller (a client's own settings beside the engine's).
 */
export function engineConfigIssues(
  input: Record<string, unknown>,
  at = '',
  skip: readonly string[] = [],
): ConfigIssue[] {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input))
    if (!skip.includes(key) && !OPERATOR_FIELDS.some(([field]) => field === key)) rest[key] = value;
  const filled = Value.Default(PLAIN_FIELDS, rest) as Record<string, unknown>;
  for (const [key, value] of Object.entries(filled)) input[key] = value;
  const issues = schemaIssues(PLAIN_FIELDS, filled, at);
  for (const [field, schema] of OPERATOR_FIELDS) {
    const value = input[field];
    if (value === undefined) continue;
    const name = (value as { name?: unknown } | null)?.name;
    const names = schema.anyOf.map((s) => s.properties.name.const as string);
    if (typeof name !== 'string' || !names.includes(name)) {
      issues.push({ path: `${at}/${field}/name`, message: `must be one of ${names.join(', ')}` });
      continue;
    }
    const branch = schema.anyOf.find((s) => s.properties.name.const === name)!;
    input[field] = Value.Default(branch, value);
    issues.push(...schemaIssues(branch, input[field], `${at}/${field}`));
  }
  return issues;
}

function refuse(issues: readonly ConfigIssue[]): never {
  throw new GalapagosError(
    'GALAPAGOS_ERR_INVALID_CONFIG',
    `invalid run configuration: ${issuesLine(issues)}`,
    { details: issues },
  );
}

/**
 * Validates a run configuration, fills every default (operators by genome kind, per-gene
 * probabilities from the genome length) and checks that the operators suit the problem.
 * Pure: the result depends only on the input and the registry.
 * @throws GalapagosError `GALAPAGOS_ERR_INVALID_CONFIG` (details: {@link ConfigIssue}[]),
 *   `GALAPAGOS_ERR_UNKNOWN_PROBLEM`, `GALAPAGOS_ERR_INVALID_PARAMS`
 */
export function resolveConfig(input: unknown, registry: ProblemRegistry): EngineConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    refuse([{ path: '/', message: 'must be an object' }]);
  const filled = Value.Clone(input) as Record<string, unknown>;
  const issues = engineConfigIssues(filled);
  if (issues.length > 0) refuse(issues);
  const config = filled as Static<typeof EngineConfigSchema>;
  const { params, instance } = registry.resolve(config.problem, config.params ?? {});
  const spec = instance.genome;

  const crossover = config.crossover ?? defaultCrossover(spec.kind);
  const mutation = config.mutation ?? defaultMutation(spec);
  const more: ConfigIssue[] = [];
  if (!CROSSOVERS_BY_KIND[spec.kind].includes(crossover.name))
    more.push({
      path: '/crossover/name',
      message: `${crossover.name} does not suit ${spec.kind} genomes; use one of ${CROSSOVERS_BY_KIND[spec.kind].join(', ')}`,
    });
  if (!MUTATIONS_BY_KIND[spec.kind].includes(mutation.name))
    more.push({
      path: '/mutation/name',
      message: `${mutation.name} does not suit ${spec.kind} genomes; use one of ${MUTATIONS_BY_KIND[spec.kind].join(', ')}`,
    });
  if (config.hallOfFame >= config.population)
    more.push({ path: '/hallOfFame', message: 'must be smaller than the population' });
  if (more.length > 0) refuse(more);

  return {
    problem: config.problem,
    params,
    population: config.population,
    generations: config.generations,
    cxpb: config.cxpb,
    mutpb: config.mutpb,
    selection: config.selection ?? { name: 'selTournament', tournsize: 3 },
    crossover,
    mutation: { ...mutation, indpb: mutation.indpb ?? 1 / spec.length },
    hallOfFame: config.hallOfFame,
    seed: config.seed,
    ...(config.fingerprint === undefined ? {} : { fingerprint: config.fingerprint }),
  };
}
