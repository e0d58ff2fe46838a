/**
 * `{ "type": "group", "members": ["local", "lambda"] }`: several configured targets in one run,
 * earlier members first (local cores before the cloud), overflow to the later ones, a failing
 * member's batches moved to the others (see `evaluators/group.ts`).
 */
import type { ConfigIssue } from '@galapagos/core';
import Type from 'typebox';
import { createGroupEvaluator, type GroupMember } from '../evaluators/group.js';
import type { LocalServer } from '../spawn.js';
import { defineTargetKind, type TargetConnection } from './types.js';

export const GroupTargetSchema = Type.Object(
  {
    type: Type.Literal('group'),
    members: Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]+$' }), {
      minItems: 1,
      uniqueItems: true,
      description:
        'Configured targets (not groups), in the order batches fill them: the first with a free slot gets the next batch.',
    }),
    maxInFlight: Type.Optional(
      Type.Record(Type.String(), Type.Integer({ minimum: 1 }), {
        description:
          "Batches a member gets at once (default: its threads or workers; a Lambda function's: unbounded, the dispatch concurrency caps it).",
      }),
    ),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const group = defineTargetKind({
  type: 'group',
  schema: GroupTargetSchema,
  check(target, at, targets) {
    const issues: ConfigIssue[] = [];
    const members = Array.isArray(target.members) ? (target.members as unknown[]) : [];
    members.forEach((name, i) => {
      if (typeof name !== 'string' || targets === undefined) return;
      const member = targets[name] as { type?: unknown } | undefined;
      if (!member)
        issues.push({
          path: `${at}/members/${i}`,
          message: `names no configured target "${name}" (configured: ${Object.keys(targets).join(', ')})`,
        });
      else if (member.type === 'group')
        issues.push({
          path: `${at}/members/${i}`,
          message: `"${name}" is a group: groups do not nest`,
        });
    });
    const limits = target.maxInFlight;
    if (limits && typeof limits === 'object')
      for (const name of Object.keys(limits))
        if (!members.includes(name))
          issues.push({ path: `${at}/maxInFlight/${name}`, message: `"${name}" is not a member` });
    return issues;
  },
  async open(target, context) {
    const opened: { name: string; connection: TargetConnection }[] = [];
    try {
      for (const name of target.members) {
        const member = context.targets?.[name];
        if (!member || member.type === 'group')
          throw new Error(`group member "${name}" is not a configured target`);
        // Opened through the registry, as a run opens any target.
        const { openTarget } = await import('./index.js');
        opened.push({ name, connection: await openTarget(member, { ...context, name }) });
      }
    } catch (error) {
      await Promise.all(opened.map((m) => m.connection.close()));
      throw error;
    }
    const members: GroupMember[] = opened.map(({ name, connection }) => ({
      name,
      evaluator: connection.evaluator,
      maxInFlight: target.maxInFlight?.[name],
    }));
    const evaluator = createGroupEvaluator(members);
    return {
      evaluator,
      servers: opened.flatMap((m) => m.connection.servers as LocalServer[]),
      where: opened.map((m) => `${m.name} (${m.connection.where})`).join(' + '),
      close: () =>
        evaluator.close().then(async () => {
          await Promise.all(opened.flatMap((m) => m.connection.servers.map((s) => s.stop())));
        }),
    };
  },
  async probe(target, context) {
    const { probeTarget } = await import('./index.js');
    const rows = await Promise.all(
      target.members.map(async (name) => {
        const member = context.targets?.[name];
        if (!member) return [{ where: name, status: 'not a configured target', usable: false }];
        const probes = await probeTarget(member, { ...context, name });
        return probes.map((p) => ({ ...p, where: `${name}: ${p.where}` }));
      }),
    );
    return rows.flat();
  },
});
