/**
 * Runs in Redis, beside a fleet's queue: one string per run and a sorted set of ids by
 * creation time, written in one transaction. A server on another machine sharing the Redis
 * sees the same runs. Loaded on demand (ioredis only for servers that use it).
 */
import { connectRedis } from '@galapagos/client';
import type { RedisSettings } from '@galapagos/core';
import type { Redis } from 'ioredis';
import type { RunRecord, RunSummary } from './record.js';
import { byCreation, RUN_ID_PATTERN, type RunStore } from './store.js';

/** The keys, under a prefix of their own (not BullMQ's `bull:`). */
export const runKeys = (prefix = 'galapagos:runs') => ({
  index: prefix,
  summaries: `${prefix}:summaries`,
  run: (id: string) => `${prefix}:${id}`,
});

export async function createRedisStore(settings: RedisSettings): Promise<RunStore> {
  let redis: Redis;
  try {
    // A store between two writes: commands queue while Redis is briefly away.
    redis = await connectRedis(settings, {
      name: 'galapagos-runs',
      whileAway: 'queue',
      connectTimeoutMs: 0,
    });
  } catch (error) {
    throw new Error(`cannot reach Redis at ${settings.where}: ${(error as Error).message}`);
  }
  const keys = runKeys();
  const parse = <T>(text: string | null): T | undefined => {
    if (text === null) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      return undefined;
    }
  };
  return {
    where: `${settings.where} (${keys.index})`,
    async save(record, summary) {
      await redis
        .multi()
        .set(keys.run(record.id), JSON.stringify(record))
        .hset(keys.summaries, record.id, JSON.stringify(summary))
        .zadd(keys.index, 'NX', Date.parse(record.createdAt), record.id)
        .exec();
    },
    async load(id) {
      if (!RUN_ID_PATTERN.test(id)) return undefined;
      const record = parse<RunRecord>(await redis.get(keys.run(id)));
      return record?.format === 'galapagos/run' ? record : undefined;
    },
    async summaries() {
      const ids = await redis.zrange(keys.index, 0, -1);
      if (ids.length === 0) return [];
      const texts = await redis.hmget(keys.summaries, ...ids);
      return texts
        .map((t) => parse<RunSummary>(t))
        .filter((s): s is RunSummary => typeof s?.id === 'string')
        .sort(byCreation);
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
