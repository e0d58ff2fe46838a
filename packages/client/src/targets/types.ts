/**
 * What a target kind is: its config schema, its cross-field checks, how to open it for a run
 * and how to probe it for `galapagos targets`. One file per kind; see `index.ts`.
 */
import type { ConfigIssue } from '@galapagos/core';
import Type, { type Static, type TSchema } from 'typebox';
import type { Evaluator } from '../evaluators/types.js';
import type { LocalServer } from '../spawn.js';

/** What opening or probing a target may use besides its own config. */
export interface TargetContext {
  /** The target's name in the config (for messages and header issues). */
  readonly name: string;
  /** Requests in flight at once: keep-alive connections per server. */
  readonly connections: number;
  /** Where header values come from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The run's problem modules (absolute paths): loaded in-process or by a spawned server. */
  readonly problemModules: readonly string[];
  /**
   * The `galapagos-server` entry file a target with `spawn` starts when no server answers
   * (the CLI and the server name their own); without it such a target cannot spawn.
   */
  readonly serverEntry?: string | undefined;
  /** Every configured target, for kinds made of others (a group). */
  readonly targets?: Readonly<Record<string, import('./index.js').Target>>;
}

/** A target opened for a run: its evaluator, and what to stop when the run ends. */
export interface TargetConnection {
  readonly evaluator: Evaluator;
  /** Servers this run started (spawned local servers), to stop at the end. */
  readonly servers: readonly LocalServer[];
  /** Where batches go, for the summary. */
  readonly where: string;
  close(): Promise<void>;
}

/** One row of `galapagos targets`: one server, function or pool behind a target. */
export interface TargetProbe {
  readonly where: string;
  /** `ok`, or why a run on it would not work now. */
  readonly status: string;
  /** False when a run on this target would fail now (`galapagos targets` exits 1). */
  readonly usable: boolean;
  readonly version?: string;
  readonly workers?: number;
  readonly latencyMs?: number;
}

/** A kind of target: `{ "type": <type>, ... }` in `galapagos.config.json`. */
export interface TargetKind<S extends TSchema = TSchema> {
  readonly type: string;
  /** The config schema of this kind (its `type` a literal). */
  readonly schema: S;
  /** Checks the schema cannot express (fields that exclude each other, URLs that must parse). */
  check?(
    target: Readonly<Record<string, unknown>>,
    at: string,
    targets?: Readonly<Record<string, unknown>>,
  ): ConfigIssue[];
  open(target: Static<S>, context: TargetContext): Promise<TargetConnection>;
  probe(target: Static<S>, context: TargetContext): Promise<TargetProbe[]>;
}

/** Declares a target kind with its config type inferred from its schema. */
export const defineTargetKind = <S extends TSchema>(kind: TargetKind<S>): TargetKind<S> => kind;

/** URL fields must parse, not only match the schema's `^https?://` (`http://[::1` does not). */
export function urlIssues(
  target: Readonly<Record<string, unknown>>,
  at: string,
  keys: readonly string[],
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const key of keys) {
    const value = target[key];
    const list: [string, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [`${key}/${i}`, v])
      : [[key, value]];
    for (const [path, url] of list)
      if (typeof url === 'string' && /^https?:\/\//.test(url) && !URL.canParse(url))
        issues.push({
          path: `${at}/${path}`,
          message: `is not a valid URL: ${JSON.stringify(url)}`,
        });
  }
  return issues;
}

/** A count of threads: `threads`, or `workers`, its deprecated old name. */
export const ThreadsField = (description: string) =>
  Type.Optional(Type.Integer({ minimum: 1, maximum: 1024, description }));

/** The threads a target's settings give, by `threads` or its old name `workers`. */
export const threadsOf = (settings: { readonly threads?: number; readonly workers?: number }) =>
  settings.threads ?? settings.workers;

/** `threads` and `workers` (its old name) given together. */
export function threadsIssues(
  settings: Readonly<Record<string, unknown>> | undefined,
  at: string,
): ConfigIssue[] {
  return settings?.threads !== undefined && settings.workers !== undefined
    ? [{ path: `${at}/workers`, message: 'is the old name of threads: give one of them' }]
    : [];
}
