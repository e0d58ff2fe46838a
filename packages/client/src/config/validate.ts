import Type, { type TSchema } from 'typebox';
import Value from 'typebox/value';
import { type Config, ConfigSchema, TARGET_SCHEMAS, type Target } from './schema.js';

/** One precise reason a config was refused: a JSON pointer and what is wrong there. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

export type ConfigResult =
  | { readonly ok: true; readonly config: Config }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

const WITHOUT_TARGETS = Type.Omit(ConfigSchema, ['targets'], { additionalProperties: false });
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function schemaIssues(schema: TSchema, value: unknown, at: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const e of Value.Errors(schema, value)) {
    if (e.keyword === 'boolean' || e.keyword === 'anyOf') continue;
    if (e.keyword === 'additionalProperties') {
      const names = (e.params as { additionalProperties?: string[] }).additionalProperties ?? [];
      for (const name of names)
        issues.push({ path: `${at}${e.instancePath}/${name}`, message: 'is not a known setting' });
    } else if (e.keyword === 'required') {
      const names = (e.params as { requiredProperties?: string[] }).requiredProperties ?? [];
      for (const name of names)
        issues.push({ path: `${at}${e.instancePath}/${name}`, message: 'is required' });
    } else {
      issues.push({ path: `${at}${e.instancePath}` || '/', message: e.message });
    }
  }
  return issues;
}

function targetIssues(name: string, target: unknown): ConfigIssue[] {
  const at = `/targets/${name}`;
  if (!isObject(target)) return [{ path: at, message: 'must be an object with a "type"' }];
  const types = Object.keys(TARGET_SCHEMAS);
  const type = target.type;
  if (typeof type !== 'string' || !types.includes(type))
    return [
      {
        path: `${at}/type`,
        message: `must be one of ${types.join(', ')}, got ${JSON.stringify(type)}`,
      },
    ];
  const issues: ConfigIssue[] = [];
  if (type === 'http') {
    if (target.url === undefined && target.urls === undefined)
      issues.push({ path: `${at}/url`, message: 'is required (or urls: a list of base URLs)' });
    if (target.url !== undefined && target.urls !== undefined)
      issues.push({ path: `${at}/urls`, message: 'cannot be given together with url' });
    if (isObject(target.headers))
      for (const [header, value] of Object.entries(target.headers))
        if (typeof value === 'string')
          issues.push({
            path: `${at}/headers/${header}`,
            message:
              'must come from an environment variable ({ "env": "NAME" }), never a literal: secrets do not belong in config files',
          });
  }
  // The schema's pattern checks the scheme; a URL must also parse (`http://[::1` does not).
  const urls: [string, unknown][] = [
    ['url', target.url],
    ['endpoint', target.endpoint],
    ...(Array.isArray(target.urls)
      ? target.urls.map((u, i): [string, unknown] => [`urls/${i}`, u])
      : []),
  ];
  for (const [key, value] of urls)
    if (typeof value === 'string' && /^https?:\/\//.test(value) && !URL.canParse(value))
      issues.push({
        path: `${at}/${key}`,
        message: `is not a valid URL: ${JSON.stringify(value)}`,
      });
  const schema = TARGET_SCHEMAS[type as keyof typeof TARGET_SCHEMAS];
  const known = new Set(issues.map((i) => i.path));
  for (const issue of schemaIssues(schema, target, at))
    if (!known.has(issue.path)) issues.push(issue);
  return issues;
}

/**
 * Validates a parsed `galapagos.config.json` and fills its defaults. Pure: every problem is
 * reported with its JSON pointer and reason, all at once.
 */
export function validateConfig(input: unknown): ConfigResult {
  if (!isObject(input))
    return { ok: false, issues: [{ path: '/', message: 'must be a JSON object' }] };
  const { targets = {}, ...rest } = input;
  const filled = Value.Default(WITHOUT_TARGETS, Value.Clone(rest)) as Record<string, unknown>;
  const issues = schemaIssues(WITHOUT_TARGETS, filled, '');
  if (!isObject(targets))
    issues.push({ path: '/targets', message: 'must be an object mapping names to targets' });
  else {
    for (const [name, target] of Object.entries(targets)) {
      if (!/^[A-Za-z0-9_-]+$/.test(name))
        issues.push({
          path: `/targets/${name}`,
          message: 'target names may use letters, digits, _ and - only',
        });
      issues.push(...targetIssues(name, target));
    }
    const def = filled.defaultTarget;
    if (typeof def === 'string' && !Object.hasOwn(targets, def))
      issues.push({
        path: '/defaultTarget',
        message: `names no configured target (configured: ${Object.keys(targets).join(', ') || 'none'})`,
      });
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, config: { ...filled, targets: Value.Clone(targets) } as Config };
}

/** Picks a target by name, else the default target, else the only one. */
export function selectTarget(
  config: Config,
  name?: string,
): { name: string; target: Target } | ConfigIssue {
  const names = Object.keys(config.targets);
  const chosen = name ?? config.defaultTarget ?? (names.length === 1 ? names[0] : undefined);
  if (chosen === undefined)
    return {
      path: '/defaultTarget',
      message: `no --target given and no defaultTarget; configured targets: ${names.join(', ') || 'none'}`,
    };
  const target = Object.hasOwn(config.targets, chosen) ? config.targets[chosen] : undefined;
  if (!target)
    return {
      path: `/targets/${chosen}`,
      message: `unknown target "${chosen}"; configured targets: ${names.join(', ') || 'none'}`,
    };
  return { name: chosen, target };
}

/** The published JSON Schema (what `schema/galapagos.config.schema.json` holds). */
export function configJsonSchema(): object {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://galapagos.dev/schema/galapagos.config.schema.json',
    ...ConfigSchema,
  };
}
