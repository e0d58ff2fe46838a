/**
 * The one owner of Redis connections: the queue target, the fleet workers and the server's run
 * store all connect here, from core's `RedisSettings` (address, database, credentials from the
 * environment, TLS for `rediss://`). It decides how a connection reconnects, how its commands
 * behave while Redis is away, and how a failure is classified: refused (credentials, TLS: no
 * retry will fix it) or unreachable (it may come back). ioredis is loaded on demand, so that
 * runs on other targets do not pay for it.
 */
import { type RedisSettings, reconnectDelayMs } from '@galapagos/core';
import type { Redis } from 'ioredis';

/** Answers no retry will fix: the credentials or the TLS handshake were refused. */
const REFUSED =
  /NOAUTH|WRONGPASS|invalid password|invalid username|self.signed|certificate|ERR AUTH/i;

/** What kind of failure a Redis error is. */
export type RedisFailure = 'refused' | 'unreachable';

export const classifyRedisError = (error: unknown): RedisFailure =>
  REFUSED.test(error instanceof Error ? error.message : String(error)) ? 'refused' : 'unreachable';

/** A connection that could not be made, classified. */
export class RedisConnectError extends Error {
  override readonly name = 'RedisConnectError';
  constructor(
    readonly failure: RedisFailure,
    readonly where: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RedisConnectOptions {
  /** The client name Redis lists (`CLIENT LIST`). */
  readonly name: string;
  /**
   * What a command does while Redis is away: `fail` at once (a caller that retries on its
   * own), `wait` for the reconnection however long (blocking consumers: BullMQ's workers and
   * event streams), or `queue` up to ioredis's retry limit (a store between two writes).
   */
  readonly whileAway: 'fail' | 'wait' | 'queue';
  /**
   * Longest wait for the first connection, ms: undefined waits for ever (a refusal still ends
   * it), 0 gives up at the first error.
   */
  readonly connectTimeoutMs?: number;
  /** Hears every error from the start, the first connection's included (to log outages). */
  readonly onError?: (error: Error) => void;
}

const AWAY: Record<RedisConnectOptions['whileAway'], object> = {
  fail: { enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  wait: { maxRetriesPerRequest: null },
  queue: {},
};

/**
 * A connection, ready. It reconnects for ever once made (doubling delays up to 2 s); the
 * caller listens to its `error`, `close` and `ready` events for outages.
 * @throws RedisConnectError when Redis refuses it, or does not answer in time.
 */
export async function connectRedis(
  settings: RedisSettings,
  options: RedisConnectOptions,
): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const redis = new Redis({
    ...settings.connection,
    connectionName: options.name,
    retryStrategy: reconnectDelayMs,
    lazyConnect: true,
    ...AWAY[options.whileAway],
  });
  // Kept for good: an error without any listener would be printed by ioredis.
  let last: string | undefined;
  redis.on('error', (error: Error) => {
    last = error.message;
  });
  if (options.onError) redis.on('error', options.onError);
  let timer: NodeJS.Timeout | undefined;
  let onError: ((error: Error) => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (failure: RedisFailure, message: string) =>
        reject(new RedisConnectError(failure, settings.where, message));
      onError = (error: Error) => {
        const failure = classifyRedisError(error);
        if (failure === 'refused' || options.connectTimeoutMs === 0) fail(failure, error.message);
      };
      redis.on('error', onError);
      if (options.connectTimeoutMs)
        timer = setTimeout(
          () => fail('unreachable', last ?? 'no answer'),
          options.connectTimeoutMs,
        );
      redis.once('ready', () => resolve());
      // Its failures come through `error`, classified above.
      redis.connect().catch(() => {});
    });
  } catch (error) {
    redis.disconnect();
    throw error;
  } finally {
    clearTimeout(timer);
    if (onError) redis.off('error', onError);
  }
  return redis;
}
