import { GalapagosError } from '../errors.js';
import { GENOME_KINDS } from '../genome.js';
import { paramsErrors, withDefaults } from './params.js';
import type { ProblemDefinition, ProblemInstance } from './types.js';

/** Registry ids: lowercase letters, digits and dashes (they travel in URLs and requests). */
export const PROBLEM_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a value is not a usable genome spec (undefined: it is one). */
function genomeSpecProblem(spec: unknown): string | undefined {
  if (!isObject(spec)) return 'genome must be an object { kind, length, ... }';
  if (!(GENOME_KINDS as readonly unknown[]).includes(spec.kind))
    return `genome.kind must be one of ${GENOME_KINDS.join(', ')}, got ${JSON.stringify(spec.kind)}`;
  if (!Number.isSafeInteger(spec.length) || (spec.length as number) < 1)
    return `genome.length must be a positive integer, got ${JSON.stringify(spec.length)}`;
  if (spec.kind === 'real') {
    const { low, high } = spec;
    if (typeof low !== 'number' || typeof high !== 'number' || !(low < high))
      return 'a real genome needs finite bounds low < high';
    if (!Number.isFinite(low) || !Number.isFinite(high))
      return 'a real genome needs finite bounds low < high';
  }
  return undefined;
}

/** Why an instance is not usable (undefined: it is). */
export function instanceProblem(instance: unknown): string | undefined {
  if (!isObject(instance)) return 'instantiate() must return an object';
  const spec = genomeSpecProblem(instance.genome);
  if (spec) return spec;
  if (instance.objective !== 'max' && instance.objective !== 'min')
    return `objective must be "max" or "min", got ${JSON.stringify(instance.objective)}`;
  if (typeof instance.fitness !== 'function') return 'fitness must be a function';
  if (instance.fitnessBatch !== undefined && typeof instance.fitnessBatch !== 'function')
    return 'fitnessBatch, when given, must be a function';
  if (instance.close !== undefined && typeof instance.close !== 'function')
    return 'close, when given, must be a function';
  if (instance.optimum !== undefined && !Number.isFinite(instance.optimum))
    return 'optimum, when given, must be a finite number';
  const { objectives, referencePoint } = instance;
  if (objectives !== undefined) {
    if (
      !Array.isArray(objectives) ||
      objectives.length < 2 ||
      objectives.length > 64 ||
      !objectives.every((o) => o === 'max' || o === 'min')
    )
      return 'objectives, when given, must list 2 to 64 of "max" and "min"';
    if (instance.objective !== objectives[0]) return 'objective must be the first of objectives';
  }
  if (referencePoint !== undefined) {
    if (
      !Array.isArray(objectives) ||
      !Array.isArray(referencePoint) ||
      referencePoint.length !== objectives.length ||
      !referencePoint.every((v) => Number.isFinite(v))
    )
      return 'referencePoint, when given, must hold one finite number per objective';
  }
  return undefined;
}

/**
 * Checks a problem definition, and the instance its default parameters give, before it enters
 * a registry: a malformed one is refused at load time, not on the first request.
 * @throws GalapagosError `GALAPAGOS_ERR_INVALID_PROBLEM` naming `where` and the reason.
 */
export function assertDefinition(
  definition: unknown,
  where: string,
): asserts definition is ProblemDefinition {
  const refuse = (reason: string): never => {
    throw new GalapagosError('GALAPAGOS_ERR_INVALID_PROBLEM', `${where}: ${reason}`);
  };
  if (!isObject(definition)) refuse('a problem must be an object (see defineProblem)');
  const d = definition as Record<string, unknown>;
  const name = typeof d.id === 'string' ? `problem "${d.id}"` : 'a problem';
  if (typeof d.id !== 'string' || !PROBLEM_ID_PATTERN.test(d.id))
    refuse(
      `invalid problem id ${JSON.stringify(d.id)}: use 1-64 lowercase letters, digits and dashes`,
    );
  for (const key of ['title', 'description'] as const)
    if (typeof d[key] !== 'string') refuse(`${name}: ${key} must be a string`);
  if (!isObject(d.params) || d.params.type !== 'object')
    refuse(`${name}: params must be a JSON Schema of type "object" (TypeBox or plain)`);
  if (typeof d.instantiate !== 'function') refuse(`${name}: instantiate must be a function`);
  if (d.source !== undefined && typeof d.source !== 'string')
    refuse(`${name}: source, when given, must be a string`);
  const params = withDefaults(d.params as never, {});
  const invalid = paramsErrors(d.params as never, params);
  if (invalid.length > 0)
    refuse(`${name}: its default parameters do not match its schema (${invalid.join('; ')})`);
  let instance: unknown;
  try {
    instance = (d.instantiate as (p: unknown) => ProblemInstance)(params);
  } catch (error) {
    refuse(
      `${name}: instantiate() with the default parameters threw: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const problem = instanceProblem(instance);
  if (problem) refuse(`${name}: ${problem}`);
}
