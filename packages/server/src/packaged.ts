import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The problem modules a deployment package carries (see `scripts/bundle-problems.mjs`): the
 * list in `problems.json` beside the bundled entry, as absolute paths; none without one.
 */
export function packagedProblems(entryUrl: string): string[] {
  const dir = dirname(fileURLToPath(entryUrl));
  let listed: unknown;
  try {
    listed = (
      JSON.parse(readFileSync(resolve(dir, 'problems.json'), 'utf8')) as { modules?: unknown }
    ).modules;
  } catch {
    return [];
  }
  return Array.isArray(listed) ? listed.map((m) => resolve(dir, String(m))) : [];
}
