import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { GalapagosError } from '../errors.js';
import {
  CROSSOVERS,
  DEFAULT_OPERATORS,
  MUTATIONS,
  namesFor,
  SELECTIONS,
  schemasOf,
} from '../operators/catalogue.js';
import type { ProblemRegistry } from '../problems/registry.js';
import { type ConfigIssue, issuesLine, schemaIssues } from '../schema-issues.js';
import { type AlgorithmConfig, AlgorithmSchema } from './algorithms.js';
import { type StopConfig, StopSchema } from './stop.js';

const Probability = (description: string, defaultValue?: number) =>
  Type.Number({
    minimum: 0,
    maximum: 1,
    description,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  });

/** Selection operator and its settings (see the catalogue). */
export const SelectionSchema = Type.Union(schemasOf(SELECTIONS));
/** Crossover operator and its settings; it must suit the problem's genome kind. */
export const CrossoverSchema = Type.Union(schemasOf(CROSSOVERS));
/** Mutation operator and its settings; it must suit the problem's genome kind. */
export const MutationSchema = Type.Union(schemasOf(MUTATIONS));

/** Evaluations a steady-state run keeps in flight when nothing says how many. */
const DEFAULT_IN_FLIGHT = 8;

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
    algorithm: Type.Optional(AlgorithmSchema),
    selection: Type.Optional(SelectionSchema),
    crossover: Type.Optional(CrossoverSchema),
    mutation: Type.Optional(MutationSchema),
    stop: Type.Optional(StopSchema),
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
    codeChanges: Type.Optional(
      Type.Array(
        Type.Object(
          {
            generation: Type.Integer({ minimum: -1 }),
            from: Type.String({ maxLength: 128 }),
            to: Type.String({ maxLength: 128 }),
          },
          { additionalProperties: false },
        ),
        {
          maxItems: 1000,
          description:
            'Resumes that accepted a code change (--accept-code-change): after which generation, and the fingerprints before and after. The engine does not use it.',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

/** A run configuration as written by a user: only `problem` is required. */
export type EngineConfigInput = { problem: string } & Partial<Static<typeof EngineConfigSchema>>;
export type SelectionConfig = Static<typeof SelectionSchema>;
export type { AlgorithmConfig };
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
  /** The algorithm when it is not `simple` (a state without one is `simple`). */
  readonly algorithm?: Exclude<AlgorithmConfig, { name: 'simple' }>;
  readonly selection: SelectionConfig;
  readonly crossover: CrossoverConfig;
  readonly mutation: MutationConfig & { indpb: number };
  readonly hallOfFame: number;
  /** Stopping rules besides `generations`, when any are set. */
  readonly stop?: StopConfig;
  readonly seed: number;
  /** The problem's fingerprint, where the caller recorded one. */
  readonly fingerprint?: string;
  /** Code changes a resumed run accepted (see the schema). */
  readonly codeChanges?: readonly CodeChange[];
}

/** A resume that went on with other code: after `generation`, fingerprint `from` became `to`. */
export interface CodeChange {
  readonly generation: number;
  readonly from: string;
  readonly to: string;
}

const PLAIN_FIELDS = Type.Omit(
  EngineConfigSchema,
  ['algorithm', 'selection', 'crossover', 'mutation'],
  {
    additionalProperties: false,
  },
);
const OPERATOR_FIELDS = [
  ['algorithm', AlgorithmSchema],
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

  const defaults = DEFAULT_OPERATORS[spec.kind];
  const crossover = config.crossover ?? (defaults.crossover as CrossoverConfig);
  const mutation = config.mutation ?? (defaults.mutation(spec) as MutationConfig);
  const more: ConfigIssue[] = [];
  for (const [field, entries, name] of [
    ['crossover', CROSSOVERS, crossover.name],
    ['mutation', MUTATIONS, mutation.name],
  ] as const) {
    const suited = namesFor(entries, spec.kind);
    if (!suited.includes(name))
      more.push({
        path: `/${field}/name`,
        message: `${name} does not suit ${spec.kind} genomes; use one of ${suited.join(', ')}`,
      });
  }
  const multi = instance.objectives !== undefined;
  // Without one named, the algorithm suits the problem: NSGA-II for several objectives.
  const algorithm: AlgorithmConfig =
    config.algorithm ?? (multi ? { name: 'nsga2' } : { name: 'simple' });
  let population = config.population;
  if (multi && algorithm.name !== 'nsga2')
    more.push({
      path: '/algorithm',
      message: `problem "${config.problem}" has ${instance.objectives!.length} objectives: use { "name": "nsga2" }`,
    });
  if (!multi && algorithm.name === 'nsga2')
    more.push({
      path: '/algorithm/name',
      message: `nsga2 is for multi-objective problems; "${config.problem}" has one objective`,
    });
  if (multi && algorithm.name === 'steady-state')
    more.push({
      path: '/algorithm/name',
      message: 'steady-state is for single-objective problems (use nsga2)',
    });
  if (algorithm.name === 'steady-state' && (algorithm.inFlight ?? 0) > population)
    more.push({
      path: '/algorithm/inFlight',
      message: `must be at most the population (${population})`,
    });
  if (algorithm.name === 'steady-state' && config.stop?.budgetUsd !== undefined)
    more.push({
      path: '/stop/budgetUsd',
      message: 'is checked between generations; a steady-state run has none (use stop.evaluations)',
    });
  if (algorithm.name === 'nsga2' && population % 4 !== 0)
    more.push({
      path: '/population',
      message: `must be a multiple of 4 for nsga2 (its tournaments take four at a time), got ${population}`,
    });
  if (multi)
    for (const rule of ['targetFitness', 'stagnation'] as const)
      if (config.stop?.[rule] !== undefined)
        more.push({
          path: `/stop/${rule}`,
          message: 'applies to single-objective problems only (a front has no one best fitness)',
        });
  if (algorithm.name === 'mu-plus-lambda' || algorithm.name === 'mu-comma-lambda') {
    const given = (input as { population?: unknown }).population;
    if (algorithm.mu !== undefined && given !== undefined && given !== algorithm.mu)
      more.push({
        path: '/algorithm/mu',
        message: `is the population size: give population ${given} or mu ${algorithm.mu}, not both`,
      });
    population = algorithm.mu ?? population;
    if (config.cxpb + config.mutpb > 1)
      more.push({
        path: '/mutpb',
        message: `cxpb + mutpb must be at most 1 for ${algorithm.name} (varOr), got ${config.cxpb + config.mutpb}`,
      });
    if (algorithm.name === 'mu-comma-lambda' && algorithm.lambda < population)
      more.push({
        path: '/algorithm/lambda',
        message: `must be at least mu (${population}) for mu-comma-lambda`,
      });
  }
  if (!multi && config.hallOfFame >= population)
    more.push({ path: '/hallOfFame', message: 'must be smaller than the population' });
  if (more.length > 0) refuse(more);

  return {
    problem: config.problem,
    params,
    population,
    generations: config.generations,
    cxpb: config.cxpb,
    mutpb: config.mutpb,
    ...(algorithm.name === 'simple'
      ? {}
      : {
          algorithm:
            algorithm.name === 'nsga2'
              ? { name: algorithm.name }
              : algorithm.name === 'steady-state'
                ? {
                    name: algorithm.name,
                    inFlight: Math.min(algorithm.inFlight ?? DEFAULT_IN_FLIGHT, population),
                    replacement: algorithm.replacement ?? 'worst',
                  }
                : { name: algorithm.name, lambda: algorithm.lambda },
        }),
    selection: config.selection ?? { name: 'selTournament', tournsize: 3 },
    crossover,
    mutation: { ...mutation, indpb: mutation.indpb ?? 1 / spec.length } as EngineConfig['mutation'],
    hallOfFame: config.hallOfFame,
    ...(config.stop && Object.keys(config.stop).length > 0 ? { stop: config.stop } : {}),
    seed: config.seed,
    ...(config.fingerprint === undefined ? {} : { fingerprint: config.fingerprint }),
    ...(config.codeChanges === undefined ? {} : { codeChanges: config.codeChanges }),
  };
}
