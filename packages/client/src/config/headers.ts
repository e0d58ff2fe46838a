/** HTTP headers of a target, whose values come from environment variables, never literals. */
import type { ConfigIssue } from '@galapagos/core';
import Type, { type Static } from 'typebox';
import { ConfigError } from '../errors.js';

export const FromEnvSchema = Type.Object(
  {
    env: Type.String({
      pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
      description: 'Environment variable holding the value.',
    }),
    prefix: Type.Optional(Type.String({ description: 'Prepended to the value, e.g. "Bearer ".' })),
  },
  {
    additionalProperties: false,
    description: 'A header value read from the environment at run time.',
  },
);

export const HeadersSchema = Type.Record(
  Type.String({ pattern: '^[A-Za-z0-9-]+$' }),
  FromEnvSchema,
  {
    description: 'Headers whose values come from environment variables, never literals.',
  },
);
export type Headers = Static<typeof HeadersSchema>;

/** A literal header value in a config file: refused, secrets do not belong there. */
export function literalHeaderIssues(at: string, headers: unknown): ConfigIssue[] {
  if (typeof headers !== 'object' || headers === null) return [];
  return Object.entries(headers)
    .filter(([, value]) => typeof value === 'string')
    .map(([header]) => ({
      path: `${at}/headers/${header}`,
      message:
        'must come from an environment variable ({ "env": "NAME" }), never a literal: secrets do not belong in config files',
    }));
}

/**
 * Header values from the environment.
 * @throws ConfigError naming the header and the unset variable.
 */
export function resolveHeaders(
  targetName: string,
  headers: Headers | undefined,
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
