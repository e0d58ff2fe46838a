import { pathToFileURL } from 'node:url';
import { builtinProblems, createRegistry, type ProblemRegistry } from '../problems/registry.js';
import type { ProblemDefinition } from '../problems/types.js';

/** A module that adds problems to a pool: it exports `problems: ProblemDefinition[]`. */
export type ProblemModule = string | URL;

const toUrl = (m: ProblemModule): string =>
  m instanceof URL ? m.href : /^[a-z]+:/.test(m) ? m : pathToFileURL(m).href;

/** The built-in problems plus those exported by `modules`, as one registry. */
export async function loadRegistry(modules: readonly ProblemModule[]): Promise<ProblemRegistry> {
  const extra: ProblemDefinition[] = [];
  for (const m of modules) {
    const loaded = (await import(toUrl(m))) as { problems?: unknown };
    if (!Array.isArray(loaded.problems))
      throw new TypeError(`problem module ${String(m)} must export "problems" (an array)`);
    extra.push(...(loaded.problems as ProblemDefinition[]));
  }
  return createRegistry([...builtinProblems, ...extra]);
}

export const problemModuleUrls = (modules: readonly ProblemModule[]): string[] =>
  modules.map(toUrl);
