import { createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GalapagosError } from '../errors.js';
import { withDefaults } from '../problems/params.js';
import { builtinProblems, createRegistry, type ProblemRegistry } from '../problems/registry.js';
import type { ProblemDefinition } from '../problems/types.js';
import { assertDefinition } from '../problems/validate.js';
import { type BundleOptions, bundleProblemModule, type ProblemBundle } from './bundle.js';

/**
 * A module that adds problems: a path or file URL (`.ts`, `.mts`, `.js`, `.mjs`) exporting
 * `problems`.
 */
export type ProblemModule = string | URL;

/** The built-in problems plus those of `modules`: the registry and the bundles it came from. */
export interface LoadedProblems {
  readonly registry: ProblemRegistry;
  readonly bundles: readonly ProblemBundle[];
}

let loads = 0;

/**
 * Fingerprint of one problem: a hash over its module's code and its definition (the instance
 * its default parameters give included). Built-in problems hash their definition alone, so
 * that two releases with the same built-in problems agree.
 */
function fingerprint(definition: ProblemDefinition, codeHash: string): string {
  const instance = definition.instantiate(withDefaults(definition.params, {}) as never);
  const described = JSON.stringify({
    code: codeHash,
    id: definition.id,
    title: definition.title,
    description: definition.description,
    params: definition.params,
    genome: instance.genome,
    objective: instance.objective,
    optimum: instance.optimum ?? null,
    source: definition.source ?? null,
  });
  return `sha256:${createHash('sha256').update(described).digest('hex').slice(0, 16)}`;
}

/**
 * Bundles and loads problem modules (see {@link bundleProblemModule}) and builds one registry
 * of the built-in problems and theirs, with every problem's fingerprint.
 * @throws GalapagosError `GALAPAGOS_ERR_PROBLEM_MODULE` (missing, does not build, throws at
 *   import, exports no problems), `GALAPAGOS_ERR_INVALID_PROBLEM` (a malformed definition, an
 *   id used twice), each naming the file.
 */
export async function loadProblemModules(
  modules: readonly ProblemModule[],
  options: BundleOptions = {},
): Promise<LoadedProblems> {
  const definitions: ProblemDefinition[] = [];
  const fingerprints = new Map<string, string>();
  const origin = new Map<string, string>();
  for (const definition of builtinProblems) {
    definitions.push(definition);
    fingerprints.set(definition.id, fingerprint(definition, 'builtin'));
    origin.set(definition.id, 'the built-in problems');
  }
  const bundles: ProblemBundle[] = [];
  for (const module of modules) {
    const bundle = await bundleProblemModule(
      module instanceof URL || module.startsWith('file:') ? fileURLToPath(module) : module,
      options,
    );
    bundles.push(bundle);
    let exported: unknown;
    try {
      // A fresh instance per load: what the module reads at import (an external program's
      // source, for its fingerprint) is read again.
      const url = `${pathToFileURL(bundle.file).href}?load=${++loads}`;
      exported = ((await import(url)) as { problems?: unknown }).problems;
    } catch (error) {
      throw new GalapagosError(
        'GALAPAGOS_ERR_PROBLEM_MODULE',
        `problem module ${bundle.source} failed at import: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    if (!Array.isArray(exported) || exported.length === 0)
      throw new GalapagosError(
        'GALAPAGOS_ERR_PROBLEM_MODULE',
        `problem module ${bundle.source} exports no problems: it must export "problems", a non-empty array of defineProblem(...) definitions`,
      );
    for (const [i, definition] of exported.entries()) {
      assertDefinition(definition, `problem module ${bundle.source}, problems[${i}]`);
      const earlier = origin.get(definition.id);
      if (earlier)
        throw new GalapagosError(
          'GALAPAGOS_ERR_INVALID_PROBLEM',
          `problem module ${bundle.source}: problem id "${definition.id}" is already defined by ${earlier}`,
        );
      origin.set(definition.id, bundle.source);
      definitions.push(definition);
      fingerprints.set(definition.id, fingerprint(definition, bundle.codeHash));
    }
  }
  return { registry: createRegistry(definitions, { fingerprints }), bundles };
}

/** {@link loadProblemModules}' registry alone. */
export async function loadRegistry(
  modules: readonly ProblemModule[],
  options: BundleOptions = {},
): Promise<ProblemRegistry> {
  return (await loadProblemModules(modules, options)).registry;
}
