/** Parsing the command line's values, and the config file with the flags applied. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { ConfigError, readConfigFile } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { validateConfig } from '../config/validate.js';

export const DEFAULT_CONFIG = 'galapagos.config.json';

export const integer = (min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min)
    throw new InvalidArgumentError(`must be an integer >= ${min}`);
  return n;
};
export const nonNegative = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number >= 0');
  return n;
};
export const batchSize = (value: string) => (value === 'auto' ? 'auto' : integer(1)(value));
export const jsonObject = (value: string) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new InvalidArgumentError(`must be a JSON object: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InvalidArgumentError('must be a JSON object, e.g. \'{"length": 50}\'');
  return parsed;
};

/** The config file (or the built-in default: one embedded target) with the flags applied. */
export async function configFor(options: Record<string, unknown>): Promise<Config> {
  const file = (options.config as string | undefined) ?? DEFAULT_CONFIG;
  const raw: Record<string, unknown> =
    options.config !== undefined || existsSync(file)
      ? ((await readConfigFile(file)) as Record<string, unknown>)
      : { targets: { embedded: { type: 'embedded' } }, defaultTarget: 'embedded' };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ConfigError(file, [{ path: '/', message: 'must be a JSON object' }]);
  const run = { ...(raw.run as object) } as Record<string, unknown>;
  const dispatch = { ...(raw.dispatch as object) } as Record<string, unknown>;
  const set = (target: Record<string, unknown>, key: string, value: unknown) => {
    if (value !== undefined) target[key] = value;
  };
  // Module paths: the config's relative to the config file, the flag's to the working folder.
  if (Array.isArray(run.problems))
    run.problems = run.problems.map((p: unknown) =>
      typeof p === 'string' ? resolve(dirname(resolve(file)), p) : p,
    );
  if (Array.isArray(options.problems))
    run.problems = (options.problems as string[]).map((p) => resolve(p));
  // Another problem on the command line does not take the config's params for its own.
  if (options.problem !== undefined && options.problem !== run.problem) delete run.params;
  set(run, 'params', options.params);
  set(run, 'problem', options.problem);
  set(run, 'population', options.population);
  set(run, 'generations', options.generations);
  set(run, 'seed', options.seed);
  if (options.costMs !== undefined || options.costMode !== undefined) {
    const cost = { ...(run.cost as object) } as Record<string, unknown>;
    set(cost, 'ms', options.costMs);
    set(cost, 'mode', options.costMode);
    cost.ms ??= 0;
    run.cost = cost;
  }
  set(dispatch, 'batchSize', options.batchSize);
  set(dispatch, 'concurrency', options.concurrency);
  if (options.cache === false) dispatch.cache = false;
  const result = validateConfig({ ...raw, run, dispatch });
  if (!result.ok) throw new ConfigError(file, result.issues);
  return result.config;
}
