import { redisSettings } from '@galapagos/core';
import { describe, expect, it } from 'vitest';
import { classifyRedisError, connectRedis, RedisConnectError } from './redis-connection.js';
import { freePort } from './spawn.js';

describe('Redis connections, one owner', () => {
  it('classifies refusals (credentials, TLS) apart from outages, for every caller alike', () => {
    for (const refused of [
      'WRONGPASS invalid username-password pair or user is disabled.',
      'NOAUTH Authentication required.',
      'ERR AUTH <password> called without any password configured',
      'self-signed certificate',
      'unable to verify the first certificate',
    ])
      expect(classifyRedisError(new Error(refused)), refused).toBe('refused');
    for (const away of ['connect ECONNREFUSED 127.0.0.1:6390', 'Connection is closed.'])
      expect(classifyRedisError(new Error(away)), away).toBe('unreachable');
  });

  it('gives up at the first error when told to, as unreachable, naming where', async () => {
    const port = await freePort();
    const settings = redisSettings(`redis://127.0.0.1:${port}`, {});
    const started = performance.now();
    const error = await connectRedis(settings, {
      name: 'test',
      whileAway: 'fail',
      connectTimeoutMs: 0,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisConnectError);
    expect(error).toMatchObject({ failure: 'unreachable', where: `redis://127.0.0.1:${port}` });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    // It did not wait for reconnections (a loose bound: the first error comes at once).
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('waits for the first connection up to its timeout, then says why', async () => {
    const settings = redisSettings(`redis://127.0.0.1:${await freePort()}`, {});
    await expect(
      connectRedis(settings, { name: 'test', whileAway: 'wait', connectTimeoutMs: 300 }),
    ).rejects.toMatchObject({
      failure: 'unreachable',
      message: expect.stringMatching(/ECONNREFUSED/),
    });
  });
});
