/**
 * `galapagos init [dir]`: a runnable project in `dir` (a commented problem module, its config
 * and a README). Existing files are never overwritten.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError } from '@galapagos/client';
import { CONFIG, FITNESS_TS, README } from './templates.js';

/** Writes the project; returns the files written. @throws ConfigError if one exists already. */
export async function initProject(dir: string): Promise<string[]> {
  const root = resolve(dir);
  const files: [string, string][] = [
    ['fitness.ts', FITNESS_TS],
    ['galapagos.config.json', `${JSON.stringify(CONFIG, null, 2)}\n`],
    ['README.md', README],
  ];
  const taken = files.filter(([name]) => existsSync(join(root, name)));
  if (taken.length > 0)
    throw new ConfigError(
      root,
      taken.map(([name]) => ({ path: `/${name}`, message: 'exists already; nothing was written' })),
    );
  await mkdir(root, { recursive: true });
  for (const [name, text] of files) await writeFile(join(root, name), text, { flag: 'wx' });
  return files.map(([name]) => join(root, name));
}
