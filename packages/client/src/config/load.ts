import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import type { Config } from './schema.js';
import { validateConfig } from './validate.js';

/** Reads and parses a config file without validating it. @throws ConfigError */
export async function readConfigFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    throw new ConfigError(file, [{ path: '/', message: reason }]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [
      { path: '/', message: `not valid JSON: ${(error as Error).message}` },
    ]);
  }
}

/** Reads, parses and validates a config file. @throws ConfigError */
export async function loadConfig(file: string): Promise<Config> {
  const result = validateConfig(await readConfigFile(file));
  if (!result.ok) throw new ConfigError(file, result.issues);
  return result.config;
}
