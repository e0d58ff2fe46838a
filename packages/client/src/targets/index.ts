/**
 * The target kinds. Everything that knows about kinds is derived from this list: the config
 * schema's union, the validation, opening a target for a run and `galapagos targets`.
 * Adding a kind is one file beside this one and one line here.
 */
import Type, { type Static } from 'typebox';
import { embedded } from './embedded.js';
import { group } from './group.js';
import { http } from './http.js';
import { lambda } from './lambda.js';
import { queue } from './queue.js';
import type { TargetConnection, TargetContext, TargetKind, TargetProbe } from './types.js';

export const TARGET_KINDS = [embedded, http, lambda, queue, group] as const;

type ConfigOf<K> = K extends TargetKind<infer S> ? Static<S> : never;
/** A configured target: one of the kinds' configs. */
export type Target = ConfigOf<(typeof TARGET_KINDS)[number]>;
export const TargetSchema = Type.Union(TARGET_KINDS.map((k) => k.schema));

/** The kind a config's `type` names, if any. */
export const targetKind = (type: string): TargetKind | undefined =>
  (TARGET_KINDS as readonly TargetKind[]).find((k) => k.type === type);

/** The kinds' type names, as a config says them. */
export const targetTypes = (): string[] => TARGET_KINDS.map((k) => k.type);

/** Opens a target for a run (see each kind's `open`). */
export function openTarget(target: Target, context: TargetContext): Promise<TargetConnection> {
  return targetKind(target.type)!.open(target as never, context);
}

/** Probes a target for `galapagos targets`. */
export function probeTarget(target: Target, context: TargetContext): Promise<TargetProbe[]> {
  return targetKind(target.type)!.probe(target as never, context);
}

export type { TargetConnection, TargetContext, TargetKind, TargetProbe };
