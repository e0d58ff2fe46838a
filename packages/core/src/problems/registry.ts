import { GalapagosError } from '../errors.js';
import type { GenomeSpec } from '../genome.js';
import { knapsack } from './knapsack.js';
import { nqueens } from './nqueens.js';
import { onemax } from './onemax.js';
import { paramsErrors, withDefaults } from './params.js';
import { rastrigin } from './rastrigin.js';
import { sphere } from './sphere.js';
import { tsp } from './tsp.js';
import type { Objective, ProblemDefinition, ProblemInstance } from './types.js';
import { assertDefinition, instanceProblem } from './validate.js';
import { dtlz2, zdt1, zdt2, zdt3 } from './zdt.js';

/** A problem definition with validated, defaulted parameters and the instance they give. */
export interface ResolvedProblem {
  readonly definition: ProblemDefinition;
  readonly params: Record<string, unknown>;
  readonly instance: ProblemInstance;
}

/** What a registry says about one problem (the `GET /v1/problems` entries). */
export interface ProblemSummary {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly objective: Objective;
  /** A multi-objective problem's objectives (fitness is then a vector). */
  readonly objectives?: Objective[];
  /** Where its hypervolume is measured from. */
  readonly referencePoint?: number[];
  /** The genome spec for the default parameters. */
  readonly genome: GenomeSpec;
  /** The optimum for the default parameters, where known. */
  readonly optimum?: number;
  /** JSON Schema of the parameters, with defaults. */
  readonly params: unknown;
  /** Hash of the problem's code and definition, where the registry was given one. */
  readonly fingerprint?: string;
}

/** An immutable set of problems keyed by id. */
export interface ProblemRegistry {
  has(id: string): boolean;
  /** @throws GalapagosError `GALAPAGOS_ERR_UNKNOWN_PROBLEM` */
  get(id: string): ProblemDefinition;
  ids(): string[];
  summaries(): ProblemSummary[];
  /** The fingerprint of a problem's code and definition, where known. */
  fingerprint(id: string): string | undefined;
  /**
   * Validates `params` against the problem's schema, fills defaults and instantiates.
   * Instances are memoised per parameter set, so resolving the same problem per request is cheap.
   * @throws GalapagosError `GALAPAGOS_ERR_UNKNOWN_PROBLEM`, `GALAPAGOS_ERR_INVALID_PARAMS`
   */
  resolve(id: string, params?: unknown): ResolvedProblem;
}

const MEMO_LIMIT = 64;
/** Nesting beyond this in params is refused (deeper JSON overflows the stack when walked). */
const MAX_PARAMS_DEPTH = 64;

/** True when `value` nests objects or arrays deeper than `limit`; iterative, so never overflows. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

export interface RegistryOptions {
  /** Fingerprints by problem id (see `@galapagos/core/runtime`'s module loader). */
  readonly fingerprints?: ReadonlyMap<string, string>;
}

/**
 * Builds a registry from definitions, each checked (see {@link assertDefinition}) but the
 * shipped ones; ids must be unique.
 * @throws GalapagosError `GALAPAGOS_ERR_INVALID_PROBLEM`
 */
export function createRegistry(
  definitions: readonly ProblemDefinition[],
  options: RegistryOptions = {},
): ProblemRegistry {
  const byId = new Map<string, ProblemDefinition>();
  for (const definition of definitions) {
    // The shipped problems are checked by their tests, not at every start (it instantiates
    // each: some 10 ms of a cold start).
    if (!builtinProblems.includes(definition)) assertDefinition(definition, 'problem registry');
    if (byId.has(definition.id))
      throw new GalapagosError(
        'GALAPAGOS_ERR_INVALID_PROBLEM',
        `duplicate problem id "${definition.id}"`,
      );
    byId.set(definition.id, definition);
  }
  const memo = new Map<string, ResolvedProblem>();

  const get = (id: string): ProblemDefinition => {
    const definition = byId.get(id);
    if (!definition)
      throw new GalapagosError(
        'GALAPAGOS_ERR_UNKNOWN_PROBLEM',
        `unknown problem "${id}"; known problems: ${[...byId.keys()].join(', ')}`,
      );
    return definition;
  };

  const resolve = (id: string, params: unknown = {}): ResolvedProblem => {
    const definition = get(id);
    if (params === null || typeof params !== 'object' || Array.isArray(params))
      throw new GalapagosError(
        'GALAPAGOS_ERR_INVALID_PARAMS',
        `params of "${id}" must be an object`,
      );
    if (nestedDeeperThan(params, MAX_PARAMS_DEPTH))
      throw new GalapagosError(
        'GALAPAGOS_ERR_INVALID_PARAMS',
        `params of "${id}" nest deeper than ${MAX_PARAMS_DEPTH} levels`,
      );
    const key = `${id}\u0000${JSON.stringify(params)}`;
    const cached = memo.get(key);
    if (cached) return cached;
    const filled = withDefaults(definition.params, params);
    const reasons = paramsErrors(definition.params, filled, id);
    if (reasons.length > 0) {
      throw new GalapagosError(
        'GALAPAGOS_ERR_INVALID_PARAMS',
        `invalid params for "${id}": ${reasons.join('; ')}`,
        { details: reasons },
      );
    }
    let instance: ProblemInstance;
    try {
      instance = definition.instantiate(filled as never);
    } catch (error) {
      throw new GalapagosError(
        'GALAPAGOS_ERR_INVALID_PARAMS',
        `problem "${id}" refused its params: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    const broken = instanceProblem(instance);
    if (broken)
      throw new GalapagosError(
        'GALAPAGOS_ERR_INVALID_PARAMS',
        `problem "${id}" gave no usable instance for these params: ${broken}`,
      );
    const resolved: ResolvedProblem = {
      definition,
      params: filled as Record<string, unknown>,
      instance,
    };
    if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value as string);
    memo.set(key, resolved);
    return resolved;
  };

  return {
    has: (id) => byId.has(id),
    get,
    ids: () => [...byId.keys()],
    resolve,
    fingerprint: (id) => options.fingerprints?.get(id),
    summaries: () =>
      [...byId.values()].map((definition) => {
        const { instance } = resolve(definition.id);
        return {
          id: definition.id,
          title: definition.title,
          description: definition.description,
          objective: instance.objective,
          ...(instance.objectives ? { objectives: [...instance.objectives] } : {}),
          ...(instance.referencePoint ? { referencePoint: [...instance.referencePoint] } : {}),
          genome: instance.genome,
          ...(instance.optimum === undefined ? {} : { optimum: instance.optimum }),
          params: definition.params,
          ...(options.fingerprints?.has(definition.id)
            ? { fingerprint: options.fingerprints.get(definition.id) as string }
            : {}),
        };
      }),
  };
}

/** The problems shipped with Galápagos. */
export const builtinProblems: readonly ProblemDefinition[] = [
  onemax,
  knapsack,
  sphere,
  rastrigin,
  tsp,
  nqueens,
  zdt1,
  zdt2,
  zdt3,
  dtlz2,
] as readonly ProblemDefinition[];

/** A registry of {@link builtinProblems}. */
export const defaultRegistry: ProblemRegistry = createRegistry(builtinProblems);
