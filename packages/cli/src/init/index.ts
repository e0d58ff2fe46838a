/**
 * `galapagos init [dir]`: a runnable project in `dir` (a commented problem module, its config
 * and a README); with `--python`, a Python simulator kept running, its problem module, config
 * and README. Existing files are never overwritten.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError } from '@galapagos/client';
import { PROBLEM_TS, PYTHON_CONFIG, PYTHON_README, SIMULATE_PY } from './python.js';
import { CONFIG, FITNESS_TS, README } from './templates.js';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Writes the project; returns the files written. @throws ConfigError if one exists already. */
export async function initProject(
  dir: string,
  options: { python?: boolean } = {},
): Promise<string[]> {
  const root = resolve(dir);
  const files: [string, string][] = options.python
    ? [
        ['simulate.py', SIMULATE_PY],
        ['problem.ts', PROBLEM_TS],
        ['galapagos.config.json', json(PYTHON_CONFIG)],
        ['README.md', PYTHON_README],
      ]
    : [
        ['fitness.ts', FITNESS_TS],
        ['galapagos.config.json', json(CONFIG)],
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
