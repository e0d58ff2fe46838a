/**
 * `{ "type": "queue" }`: a BullMQ queue on Redis, served by `galapagos worker` processes that
 * may run on any machines and join or leave during a run. BullMQ and the Redis client are
 * loaded only when such a target is opened or probed.
 */
import {
  DEFAULT_QUEUE,
  isGalapagosError,
  QUEUE_NAME_PATTERN,
  type RedisSettings,
  redisSettings,
} from '@galapagos/core';
import Type, { type Static } from 'typebox';
import { FromEnvSchema } from '../config/headers.js';
import { WorkerPricingSchema, withWorkerUsage } from '../cost.js';
import { ConfigError } from '../errors.js';
import { defineTargetKind } from './types.js';

/** Largest job payload the client sends by default (Redis keeps each job's data in memory). */
const DEFAULT_MAX_BATCH_BYTES = 16 * 1024 * 1024;

export const QueueTargetSchema = Type.Object(
  {
    type: Type.Literal('queue'),
    url: Type.String({
      pattern: '^rediss?://',
      description: 'Redis URL (rediss:// for TLS), without credentials.',
    }),
    queue: Type.Optional(
      Type.String({
        pattern: QUEUE_NAME_PATTERN,
        default: DEFAULT_QUEUE,
        description: 'Queue name; the workers must take from the same one (--queue).',
      }),
    ),
    // Where the Redis password and user (ACL) come from; by default GALAPAGOS_REDIS_PASSWORD
    // and GALAPAGOS_REDIS_USERNAME when set. Never literals: secrets do not belong in configs.
    password: Type.Optional(FromEnvSchema),
    username: Type.Optional(FromEnvSchema),
    maxBatchBytes: Type.Optional(
      Type.Integer({
        minimum: 1024,
        maximum: 512 * 1024 * 1024,
        description: 'Largest job payload; batches are split to stay under it. Default 16 MiB.',
      }),
    ),
    pricing: Type.Optional(WorkerPricingSchema),
    description: Type.Optional(Type.String()),
  },
  {
    additionalProperties: false,
    description: 'A worker fleet on Redis (BullMQ): galapagos worker processes on any machines.',
  },
);
type QueueTarget = Static<typeof QueueTargetSchema>;

/**
 * Connection settings, credentials from the environment.
 * @throws ConfigError when a variable the target names is unset.
 */
function settingsOf(
  target: QueueTarget,
  name: string,
  env: Readonly<Record<string, string | undefined>>,
): RedisSettings {
  const missing = (['password', 'username'] as const)
    .filter((key) => target[key] && !env[target[key]!.env])
    .map((key) => ({
      path: `/targets/${name}/${key}`,
      message: `environment variable ${target[key]!.env} is not set`,
    }));
  if (missing.length > 0) throw new ConfigError('environment', missing);
  return redisSettings(target.url, env, {
    ...(target.password ? { password: target.password.env } : {}),
    ...(target.username ? { username: target.username.env } : {}),
  });
}

async function evaluatorFor(
  target: QueueTarget,
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  connectTimeoutMs: number,
) {
  const { createQueueEvaluator } = await import('../evaluators/queue.js');
  return createQueueEvaluator({
    redis: settingsOf(target, name, env),
    queue: target.queue ?? DEFAULT_QUEUE,
    maxBatchBytes: target.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES,
    connectTimeoutMs,
  });
}

export const queue = defineTargetKind({
  type: 'queue',
  schema: QueueTargetSchema,
  check(target, at) {
    const issues = (['password', 'username'] as const)
      .filter((key) => typeof target[key] === 'string')
      .map((key) => ({
        path: `${at}/${key}`,
        message:
          'must come from an environment variable ({ "env": "NAME" }), never a literal: secrets do not belong in config files',
      }));
    if (typeof target.url !== 'string') return issues;
    try {
      redisSettings(target.url, {});
    } catch (error) {
      if (!isGalapagosError(error)) throw error;
      issues.push({ path: `${at}/url`, message: error.message.replace(/^Redis URL /, '') });
    }
    return issues;
  },
  async open(target, { name, env }) {
    // A run waits a little for Redis (a fleet starting up); a probe does not.
    const evaluator = await evaluatorFor(target, name, env, 10_000);
    const where = `queue "${target.queue ?? DEFAULT_QUEUE}" at ${redisSettings(target.url, {}).where}`;
    return {
      evaluator: withWorkerUsage(evaluator, target.pricing),
      servers: [],
      where,
      close: () => evaluator.close(),
    };
  },
  async probe(target, { name, env }) {
    let evaluator: Awaited<ReturnType<typeof evaluatorFor>>;
    try {
      evaluator = await evaluatorFor(target, name, env, 2000);
    } catch (error) {
      return [
        { where: target.url, status: `unreachable: ${(error as Error).message}`, usable: false },
      ];
    }
    try {
      return (await evaluator.health()).map((h) => ({
        where: h.where,
        status: h.ok ? 'ok' : `unusable: ${h.error}`,
        usable: h.ok,
        ...(h.version ? { version: h.version } : {}),
        ...(h.workers ? { workers: h.workers } : {}),
        ...(h.latencyMs === undefined ? {} : { latencyMs: h.latencyMs }),
      }));
    } finally {
      await evaluator.close();
    }
  },
});
