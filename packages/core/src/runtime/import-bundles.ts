import { pathToFileURL } from 'node:url';
import type { ProblemDefinition } from '../problems/types.js';

/**
 * The problems of modules the pool has already bundled and checked, as worker threads import
 * them (no building, no checking again there).
 */
export async function importBundles(files: readonly string[]): Promise<ProblemDefinition[]> {
  const definitions: ProblemDefinition[] = [];
  for (const file of files) {
    const loaded = (await import(pathToFileURL(file).href)) as { problems?: unknown };
    definitions.push(...(loaded.problems as ProblemDefinition[]));
  }
  return definitions;
}
