import { readFile } from 'node:fs/promises';
import { EvaluationError } from '../errors.js';
import type { Config } from './schema.js';
import { type ConfigIssue, validateConfig } from './validate.js';

/** A config that could not be loaded, with every issue found. */
export class ConfigError extends EvaluationError {
  readonly issues: readonly ConfigIssue[];
  constructor(file: string, issues: readonly ConfigIssue[]) {
    super(
      'GALAPAGOS_ERR_CONFIG',
      `${file}:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
      { retryable: false },
    );
    this.issues = issues;
  }
}

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
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [
      { path: '/', message: `not valid JSON: ${(error as Error).message}` },
    ]);
  }
  return json;
}

/** Reads, parses and validates a config file. @throws ConfigError */
export async function loadConfig(file: string): Promise<Config> {
  const json = await readConfigFile(file);
  const result = validateConfig(json);
  if (!result.ok) throw new ConfigError(file, result.issues);
  return result.config;
}

/**
 * Header values from the environment.
 * @throws ConfigError naming the header and the unset variable.
 */
export function resolveHeaders(
  targetName: string,
  headers: Readonly<Record<string, { env: string; prefix?: string | undefined }>> | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const resolved: Record<string, string> = {};
  const missing: ConfigIssue[] = [];
  for (const [name, { env: variable, prefix = '' }] of Object.entries(headers ?? {})) {
    const value = env[variable];
    if (value === undefined || value === '')
      missing.push({
        path: `/targets/${targetName}/headers/${name}`,
        message: `environment variable ${variable} is not set`,
      });
    else resolved[name.toLowerCase()] = prefix + value;
  }
  if (missing.length > 0) throw new ConfigError('environment', missing);
  return resolved;
}
