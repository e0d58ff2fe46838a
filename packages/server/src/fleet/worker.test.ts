import {
  EVALUATE_JOB,
  fleetKeys,
  isGalapagosError,
  type QueueJob,
  type WorkerAdvert,
} from '@galapagos/core';
import { type Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../../../core/test-fixtures/redis.mjs';
import { defaultOptions } from '../options.js';
import { faultyProblems } from '../test-utils.js';
import { type FleetWorkerOptions, fleetWorkerOptionsFromEnv } from './options.js';
import { startFleetWorker } from './worker.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

let queues = 0;
/** A worker on a queue of its own, a producer and the queue's events. */
async function fleet(overrides: Partial<FleetWorkerOptions> = {}) {
  const name = `test-${process.pid}-${++queues}`;
  const options: FleetWorkerOptions = {
    redis: { connection: { host: '127.0.0.1', port: redis.port, db: 0 }, where: redis.url },
    queue: name,
    server: { ...defaultOptions(), threads: 2, problemModules: [faultyProblems], logLevel: false },
    lockMs: 30_000,
    shutdownGraceMs: 10_000,
    ...overrides,
  };
  let said = '';
  const worker = await startFleetWorker(options, (line) => {
    said += `${line}\n`;
  });
  const connection = { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null };
  const queue = new Queue(name, { connection: new Redis(connection) });
  const events = new QueueEvents(name, { connection: new Redis(connection) });
  await events.waitUntilReady();
  const add = (data: unknown, name = EVALUATE_JOB) =>
    queue.add(name, data, { attempts: 1, removeOnComplete: false, removeOnFail: false });
  const close = async () => {
    await worker.close();
    await queue.close();
    await events.close();
  };
  return { name, worker, queue, events, add, close, log: () => said };
}

/** The coded reply a failed job carries in its reason. */
async function failure(job: Job, events: QueueEvents) {
  try {
    await job.waitUntilFinished(events, 20_000);
  } catch (error) {
    return JSON.parse((error as Error).message) as {
      statusCode: number;
      code: string;
      message: string;
    };
  }
  throw new Error(`job ${job.id} completed`);
}

const batch = (genomes: string[], extra: Partial<QueueJob['request']> = {}): QueueJob => ({
  v: 1,
  request: { problem: 'onemax', params: { length: 4 }, genomes, ...extra },
});

describe('a fleet worker', () => {
  it('evaluates a batch from the queue and advertises its threads and problems', async () => {
    const f = await fleet();
    try {
      const job = await f.add(batch(['1111', '0101', '0000']));
      const reply = await job.waitUntilFinished(f.events, 20_000);
      expect(reply.fitness).toEqual([4, 2, 0]);
      expect(reply.count).toBe(3);

      const keys = fleetKeys(f.name);
      const client = new Redis(redis.port, '127.0.0.1');
      const ids = await client.smembers(keys.workers);
      expect(ids).toHaveLength(1);
      const advert = JSON.parse((await client.get(keys.worker(ids[0]!)))!) as WorkerAdvert;
      expect(advert.threads).toBe(2);
      expect(advert.pid).toBe(process.pid);
      expect(advert.problems.map((p) => p.id)).toContain('test-throws');
      expect(await client.pttl(keys.worker(ids[0]!))).toBeGreaterThan(0);

      await f.close();
      // Gone at once when it stops, not only when the heartbeat expires.
      expect(await client.smembers(keys.workers)).toEqual([]);
      expect(await client.get(keys.worker(ids[0]!))).toBeNull();
      client.disconnect();
    } finally {
      await f.close();
    }
  });

  it('fails a batch whose fitness throws, once, with the coded error', async () => {
    const f = await fleet();
    try {
      const job = await f.add(batch(['1111', '0000'], { problem: 'test-throws', params: {} }));
      const reply = await failure(job, f.events);
      expect(reply.code).toBe('GALAPAGOS_ERR_EVALUATION_FAILED');
      expect(reply.statusCode).toBe(500);
      const done = await f.queue.getJob(job.id!);
      expect(done?.attemptsMade).toBe(1);
      expect(await done?.getState()).toBe('failed');
      expect(f.worker.stats().failed).toBe(1);
    } finally {
      await f.close();
    }
  });

  it('refuses a job that is not an evaluation batch, and hands one for other code back unevaluated', async () => {
    const f = await fleet();
    try {
      const junk = await f.add({ v: 1, request: { problem: 'onemax', genomes: [] } });
      const bad = await failure(junk, f.events);
      expect(bad.code).toBe('GALAPAGOS_ERR_INVALID_REQUEST');
      expect(bad.message).toMatch(/not an evaluation batch: \/request\/genomes/);

      const fingerprint = f.worker.pool.registry.fingerprint('test-throws');
      expect(fingerprint).toBeDefined();
      const other = await f.add({
        ...batch(['1'], { problem: 'test-throws', params: {} }),
        fingerprint: 'not-the-same-code',
      });
      // Back in the queue, delayed, for a worker that runs that code; never failed here.
      for (let i = 0; i < 100 && f.worker.stats().handedBack === 0; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(f.worker.stats()).toMatchObject({ handedBack: 1, failed: 1, completed: 0 });
      const state = await (await f.queue.getJob(other.id!))?.getState();
      expect(['delayed', 'waiting', 'active']).toContain(state);
      expect(f.log()).toMatch(/wants fingerprint not-the-same-code; this worker serves sha256:/);
    } finally {
      await f.close();
    }
  });

  it('renews the lock while a batch outlasts it: the batch is not taken over', async () => {
    const f = await fleet({ lockMs: 1000 });
    try {
      let stalled = 0;
      f.events.on('stalled', () => stalled++);
      const job = await f.add(batch(['1111', '0011'], { cost: { ms: 3500, mode: 'sleep' } }));
      const reply = await job.waitUntilFinished(f.events, 20_000);
      expect(reply.fitness).toEqual([4, 2]);
      expect(stalled).toBe(0);
      expect((await f.queue.getJob(job.id!))?.attemptsStarted).toBe(1);
    } finally {
      await f.close();
    }
  });

  it('on close, hands back a batch that outlasts the grace period', async () => {
    const f = await fleet({ shutdownGraceMs: 300 });
    try {
      const active = new Promise<void>((resolve) => f.events.once('active', () => resolve()));
      const job = await f.add(batch(['1111'], { cost: { ms: 9000, mode: 'sleep' } }));
      await active;
      const started = Date.now();
      await f.worker.close();
      expect(Date.now() - started).toBeLessThan(5000);
      expect(f.worker.stats().handedBack).toBe(1);
      expect(await (await f.queue.getJob(job.id!))?.getState()).toBe('waiting');
    } finally {
      await f.close();
    }
  });

  it('spreads a generation of multi-genome batches over the fleet: a worker takes no more than its threads hold', async () => {
    const f = await fleet();
    const other = await startFleetWorker({
      redis: { connection: { host: '127.0.0.1', port: redis.port, db: 0 }, where: redis.url },
      queue: f.name,
      server: { ...defaultOptions(), threads: 2, logLevel: false },
      lockMs: 30_000,
      shutdownGraceMs: 10_000,
    });
    try {
      const jobs = await Promise.all(
        [0, 1].map((i) =>
          f.add(batch([`${i}011`, `${i}111`], { cost: { ms: 400, mode: 'sleep' } })),
        ),
      );
      await Promise.all(jobs.map((j) => j.waitUntilFinished(f.events, 20_000)));
      // (A worker counts a batch once Redis has confirmed it, which may come after the event.)
      const counts = () => [f.worker.stats().completed, other.stats().completed];
      for (let i = 0; i < 100 && counts()[0]! + counts()[1]! < 2; i++)
        await new Promise((r) => setTimeout(r, 20));
      // One batch each (two genomes on two threads), not both on whichever fetched first.
      expect(counts()).toEqual([1, 1]);
    } finally {
      await other.close();
      await f.close();
    }
  });

  it('stops within its grace period even while Redis is away', async () => {
    const own = await startRedis();
    const worker = await startFleetWorker({
      redis: { connection: { host: '127.0.0.1', port: own.port, db: 0 }, where: own.url },
      queue: 'away',
      server: { ...defaultOptions(), threads: 1, logLevel: false },
      lockMs: 30_000,
      shutdownGraceMs: 300,
    });
    await own.stop();
    const started = Date.now();
    await worker.close();
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('refuses to start when Redis refuses its password', async () => {
    const guarded = await startRedis({ password: 'right' });
    try {
      const options = fleetWorkerOptionsFromEnv({
        GALAPAGOS_REDIS_URL: guarded.url,
        GALAPAGOS_REDIS_PASSWORD: 'wrong',
        GALAPAGOS_WORKERS: '1',
      });
      const error = await startFleetWorker(options).catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe('GALAPAGOS_ERR_REDIS');
      expect((error as Error).message).toMatch(/WRONGPASS|invalid/i);
      expect((error as Error).message).not.toContain('wrong');
    } finally {
      await guarded.stop();
    }
  });
});

describe('fleetWorkerOptionsFromEnv', () => {
  it('needs a Redis URL and refuses one holding a password or a bad queue name', () => {
    const code = (env: Record<string, string>) => {
      try {
        fleetWorkerOptionsFromEnv(env);
      } catch (error) {
        return `${(error as { code?: string }).code}: ${(error as Error).message}`;
      }
      return 'accepted';
    };
    expect(code({})).toMatch(/GALAPAGOS_ERR_SETTINGS: GALAPAGOS_REDIS_URL is not set/);
    expect(code({ GALAPAGOS_REDIS_URL: 'redis://:pw@h' })).toMatch(/GALAPAGOS_REDIS_PASSWORD/);
    expect(code({ GALAPAGOS_REDIS_URL: 'redis://h', GALAPAGOS_QUEUE: 'a:b' })).toMatch(
      /GALAPAGOS_QUEUE "a:b"/,
    );
    expect(code({ GALAPAGOS_REDIS_URL: 'redis://h', GALAPAGOS_LOCK_MS: '10' })).toMatch(
      /GALAPAGOS_LOCK_MS/,
    );
    expect(isGalapagosError(new Error('x'))).toBe(false);
  });
});
