import { type ConfigIssue, engineConfigIssues, schemaIssues } from '@galapagos/core';
import Type from 'typebox';
import Value from 'typebox/value';
import { type Target, targetKind, targetTypes } from '../targets/index.js';
import { type Config, ConfigSchema, RUN_CLIENT_FIELDS, RunSchema } from './schema.js';

export type ConfigResult =
  | { readonly ok: true; readonly config: Config }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

/** The sections checked by their own rules: `run` (core's) and `targets` (each kind's). */
const OTHER_SECTIONS = Type.Omit(ConfigSchema, ['targets', 'run'], { additionalProperties: false });
const CLIENT_RUN = Type.Pick(RunSchema, [...RUN_CLIENT_FIELDS], { additionalProperties: false });
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The run section: the engine's fields by core's rules, the client's by its schema. */
function runIssues(run: unknown): { run: Record<string, unknown>; issues: ConfigIssue[] } {
  if (!isObject(run)) return { run: {}, issues: [{ path: '/run', message: 'must be an object' }] };
  const filled = Value.Clone(run);
  filled.problem ??= 'onemax';
  const issues = engineConfigIssues(filled, '/run', RUN_CLIENT_FIELDS);
  const own: Record<string, unknown> = {};
  for (const field of RUN_CLIENT_FIELDS) if (field in filled) own[field] = filled[field];
  Object.assign(filled, Value.Default(CLIENT_RUN, own));
  issues.push(...schemaIssues(CLIENT_RUN, own, '/run'));
  if ('tournament' in filled)
    for (const issue of issues)
      if (issue.path === '/run/tournament')
        Object.assign(issue, {
          message: `${issue.message}; the tournament size is now selection: { "name": "selTournament", "tournsize": ${JSON.stringify(filled.tournament)} }`,
        });
  return { run: filled, issues };
}

function targetIssues(
  name: string,
  target: unknown,
  targets: Readonly<Record<string, unknown>>,
): ConfigIssue[] {
  const at = `/targets/${name}`;
  if (!isObject(target)) return [{ path: at, message: 'must be an object with a "type"' }];
  const kind = typeof target.type === 'string' ? targetKind(target.type) : undefined;
  if (!kind)
    return [
      {
        path: `${at}/type`,
        message: `must be one of ${targetTypes().join(', ')}, got ${JSON.stringify(target.type)}`,
      },
    ];
  const issues = kind.check?.(target, at, targets) ?? [];
  const known = new Set(issues.map((i) => i.path));
  for (const issue of schemaIssues(kind.schema, target, at))
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
  const { targets = {}, run = {}, ...rest } = input;
  const filled = Value.Default(OTHER_SECTIONS, Value.Clone(rest)) as Record<string, unknown>;
  const issues = schemaIssues(OTHER_SECTIONS, filled, '');
  const checkedRun = runIssues(run);
  issues.push(...checkedRun.issues);
  if (!isObject(targets))
    issues.push({ path: '/targets', message: 'must be an object mapping names to targets' });
  else {
    for (const [name, target] of Object.entries(targets)) {
      if (!/^[A-Za-z0-9_-]+$/.test(name))
        issues.push({
          path: `/targets/${name}`,
          message: 'target names may use letters, digits, _ and - only',
        });
      issues.push(...targetIssues(name, target, targets));
    }
    const def = filled.defaultTarget;
    if (typeof def === 'string' && !Object.hasOwn(targets, def))
      issues.push({
        path: '/defaultTarget',
        message: `names no configured target (configured: ${Object.keys(targets).join(', ') || 'none'})`,
      });
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    config: { ...filled, run: checkedRun.run, targets: Value.Clone(targets) } as Config,
  };
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
