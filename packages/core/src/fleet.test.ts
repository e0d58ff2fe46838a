import { describe, expect, it } from 'vitest';
import { isGalapagosError } from './errors.js';
import { fleetKeys, redisSettings } from './fleet.js';

describe('redisSettings', () => {
  it('reads host, port and database, with credentials from the environment', () => {
    const s = redisSettings('redis://cache.lab:6380/2', {
      GALAPAGOS_REDIS_PASSWORD: 's3cret',
      GALAPAGOS_REDIS_USERNAME: 'fleet',
    });
    expect(s).toEqual({
      connection: { host: 'cache.lab', port: 6380, db: 2, username: 'fleet', password: 's3cret' },
      where: 'redis://cache.lab:6380/2',
    });
  });

  it('defaults the port and database, and takes other variables when named', () => {
    const s = redisSettings('redis://127.0.0.1', { MINE: 'pw' }, { password: 'MINE' });
    expect(s.connection).toMatchObject({ host: '127.0.0.1', port: 6379, db: 0, password: 'pw' });
    expect(s.where).toBe('redis://127.0.0.1');
  });

  it('turns rediss:// into TLS, naming the server for hostnames only', () => {
    expect(redisSettings('rediss://redis.example.org:6380', {}).connection.tls).toEqual({
      servername: 'redis.example.org',
    });
    expect(redisSettings('rediss://127.0.0.1:6380', {}).connection.tls).toEqual({});
    expect(redisSettings('redis://127.0.0.1', {}).connection.tls).toBeUndefined();
  });

  it('refuses a password in the URL, other schemes and bad databases, saying why', () => {
    const refusal = (url: string) => {
      try {
        redisSettings(url, {});
      } catch (error) {
        expect(isGalapagosError(error, 'GALAPAGOS_ERR_INVALID_CONFIG')).toBe(true);
        return (error as Error).message;
      }
      throw new Error(`accepted ${url}`);
    };
    expect(refusal('redis://:hunter2@host:6379')).toMatch(/GALAPAGOS_REDIS_PASSWORD/);
    expect(refusal('redis://:hunter2@host:6379')).not.toMatch(/hunter2/);
    expect(refusal('http://host:6379')).toMatch(/redis:\/\/ or rediss:\/\//);
    expect(refusal('redis://host/abc')).toMatch(/database "abc"/);
    expect(refusal('redis://[::1')).toMatch(/does not parse/);
  });
});

describe('fleetKeys', () => {
  it('puts the fleet beside the queue’s BullMQ keys', () => {
    const keys = fleetKeys('lab');
    expect(keys.workers).toBe('bull:lab:galapagos:workers');
    expect(keys.worker('w1')).toBe('bull:lab:galapagos:worker:w1');
  });
});
