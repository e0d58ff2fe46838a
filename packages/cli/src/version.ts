/** The version `galapagos --version` prints: this package's, from its package.json. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function cliVersion(): string {
  // Resolved by the package's own name, so that the bundled bin and the compiled modules,
  // at different depths in dist/, find the same file.
  const file = fileURLToPath(import.meta.resolve('@galapagos/cli/package.json'));
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
