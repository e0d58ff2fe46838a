import Value from 'typebox/value';
import { schemaIssues } from '../schema-issues.js';
import type { ParamsSchema } from './types.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Fills the `default`s of a plain JSON Schema's object properties, recursively (TypeBox's
 * `Value.Default` only knows its own schemas). Values already present are kept.
 */
function fillPlainDefaults(schema: unknown, value: unknown): unknown {
  if (!isObject(schema)) return value;
  if (value === undefined && 'default' in schema) value = structuredClone(schema.default);
  const properties = schema.properties;
  if (!isObject(value) || !isObject(properties)) return value;
  for (const [key, sub] of Object.entries(properties)) {
    const filled = fillPlainDefaults(sub, value[key]);
    if (filled !== undefined) value[key] = filled;
  }
  return value;
}

/** `params` with the schema's defaults filled in (TypeBox or plain JSON Schema). */
export function withDefaults(schema: ParamsSchema, params: unknown): unknown {
  return fillPlainDefaults(schema, Value.Default(schema as never, Value.Clone(params)));
}

/**
 * Why `params` does not match the schema (empty: it does), one reason each:
 * `unknown parameter "lenght" of onemax; known: length`, `/length must be >= 1`.
 */
export function paramsErrors(
  schema: ParamsSchema,
  params: unknown,
  problem = 'the problem',
): string[] {
  if (Value.Check(schema as never, params)) return [];
  return schemaIssues(schema, params, '', { noun: 'parameter', of: problem }).map((i) =>
    i.message.startsWith('unknown ') ? i.message : `${i.path} ${i.message}`,
  );
}
