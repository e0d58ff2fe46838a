/**
 * Turning schema errors into precise, readable issues: one JSON pointer and one reason each.
 * Every configuration check of every package (run config, client config, problem params)
 * reports through here, so they all read alike.
 */
import type { TSchema } from 'typebox';
import Value from 'typebox/value';

/** One precise reason a configuration was refused: a JSON pointer and what is wrong there. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The property names an object schema declares (TypeBox or plain JSON Schema). */
function knownProperties(schema: unknown, pointer: string): string[] {
  let at: unknown = schema;
  for (const part of pointer.split('/').filter(Boolean)) {
    const properties = isObject(at) ? at.properties : undefined;
    if (!isObject(properties) || !isObject(properties[part])) return [];
    at = properties[part];
  }
  const properties = isObject(at) ? at.properties : undefined;
  return isObject(properties) ? Object.keys(properties) : [];
}

/**
 * The issues of `value` against `schema`, each path prefixed with `at`. An unknown property is
 * named with the known ones (`unknown setting "lenght"; known: length`), a missing one as
 * required; the noise of `additionalProperties: false` (`schema is false`) and of unions
 * (`anyOf`) is left out, their branches' own errors say more.
 * `names` says what the properties are: `{ noun: 'parameter', of: 'onemax' }`.
 */
export function schemaIssues(
  schema: TSchema | object,
  value: unknown,
  at = '',
  names: { readonly noun?: string; readonly of?: string } = {},
): ConfigIssue[] {
  const noun = names.noun ?? 'setting';
  const of = names.of === undefined ? '' : ` of ${names.of}`;
  const issues: ConfigIssue[] = [];
  for (const e of Value.Errors(schema as never, value)) {
    if (e.keyword === 'boolean' || e.keyword === 'anyOf') continue;
    const where = `${at}${e.instancePath}`;
    if (e.keyword === 'additionalProperties') {
      const unknown = (e.params as { additionalProperties?: string[] }).additionalProperties ?? [];
      const known = knownProperties(schema, e.instancePath);
      for (const name of unknown)
        issues.push({
          path: `${where}/${name}`,
          message: `unknown ${noun} "${name}"${of}${known.length > 0 ? `; known: ${known.join(', ')}` : ''}`,
        });
    } else if (e.keyword === 'required') {
      const missing = (e.params as { requiredProperties?: string[] }).requiredProperties ?? [];
      for (const name of missing) issues.push({ path: `${where}/${name}`, message: 'is required' });
    } else {
      issues.push({ path: where || '/', message: e.message });
    }
  }
  return issues;
}

/** Issues as one line: `path reason; path reason`. */
export const issuesLine = (issues: readonly ConfigIssue[]): string =>
  issues.map((i) => `${i.path} ${i.message}`).join('; ');
