/**
 * Evaluates through a BullMQ queue on Redis, served by `galapagos worker` processes on any
 * machines. Each batch is one job (tried once: retries and timeouts are the dispatcher's); its
 * reply arrives with the job's `completed` or `failed` event. The live workers' heartbeats say
 * how many threads take jobs, so auto batching follows workers as they join and leave.
 */
import { randomUUID } from 'node:crypto';
import {
  EVALUATE_JOB,
  fleetKeys,
  HEARTBEAT_MS,
  MAX_GENOMES_PER_REQUEST,
  type QueueJob,
  type RedisSettings,
  type WorkerAdvert,
  WorkerAdvertSchema,
} from '@galapagos/core';
import type { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import Value from 'typebox/value';
import { EvaluationError, errorFromReply } from '../errors.js';
import { connectRedis, RedisConnectError } from '../redis-connection.js';
import { busyMsOf, fitnessOf } from './reply.js';
import type { Evaluator, TargetHealth } from './types.js';

export interface QueueEvaluatorOptions {
  readonly redis: RedisSettings;
  readonly queue: string;
  /** Largest job payload; batches are split to stay under it. */
  readonly maxBatchBytes: number;
  /** How long to wait for Redis to answer at the start. */
  readonly connectTimeoutMs?: number;
}

/** A queue evaluator also lists the workers it sees. */
export interface QueueEvaluator extends Evaluator {
  /** The live workers, as of the last heartbeat read. */
  workers(): readonly WorkerAdvert[];
}

interface Waiting {
  resolve(reply: unknown): void;
  reject(error: Error): void;
}

/** Where a worker is, for messages and the fingerprint check. */
export const workerWhere = (w: WorkerAdvert) => `worker ${w.host}:${w.pid}`;

/**
 * Connects to Redis (failing fast when it does not answer), then evaluates through the queue.
 * @throws EvaluationError `GALAPAGOS_ERR_UNREACHABLE` or `GALAPAGOS_ERR_UNAUTHORIZED`.
 */
export async function createQueueEvaluator(
  options: QueueEvaluatorOptions,
): Promise<QueueEvaluator> {
  // Loaded on demand: only queue targets pay for BullMQ (and, through it, the Redis client).
  const { Queue, QueueEvents } = await import('bullmq');
  const { redis, queue: name } = options;
  const connect = (whileAway: 'fail' | 'wait') =>
    connectRedis(redis, {
      name: 'galapagos-client',
      // Commands fail at once while Redis is away (the dispatcher retries them), instead of
      // queueing in the client unseen; the event stream waits for Redis to come back.
      whileAway,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    });
  const made = await Promise.allSettled([connect('fail'), connect('wait')]);
  const failed = made.find((m) => m.status === 'rejected');
  if (failed) {
    for (const m of made) if (m.status === 'fulfilled') m.value.disconnect();
    const error: unknown = failed.reason;
    if (!(error instanceof RedisConnectError)) throw error;
    const refused = error.failure === 'refused';
    throw new EvaluationError(
      refused ? 'GALAPAGOS_ERR_UNAUTHORIZED' : 'GALAPAGOS_ERR_UNREACHABLE',
      `Redis at ${redis.where}: ${error.message}${refused ? ' (check GALAPAGOS_REDIS_PASSWORD, or the variable the target names; for rediss://, that the server certificate is trusted: NODE_EXTRA_CA_CERTS)' : ''}`,
      { retryable: false },
    );
  }
  const [commands, listening] = made.map((m) => (m as PromiseFulfilledResult<Redis>).value) as [
    Redis,
    Redis,
  ];
  const connections = [commands, listening];
  let lastError: string | undefined;
  for (const c of connections)
    c.on('error', (error: Error) => {
      lastError = error.message;
    });

  const queue: Queue = new Queue(name, { connection: commands });
  const events: QueueEvents = new QueueEvents(name, { connection: listening, autorun: true });
  // BullMQ re-emits connection trouble; the run hears of it through failed batches instead.
  queue.on('error', () => {});
  events.on('error', () => {});
  await events.waitUntilReady();

  const waiting = new Map<string, Waiting>();
  // Redis went away: its jobs may be gone with it (a restart without persistence), so every
  // batch waiting for a reply fails now, to be sent again once Redis is back.
  const lost = () => {
    if (waiting.size === 0) return;
    const error = new EvaluationError(
      'GALAPAGOS_ERR_UNREACHABLE',
      `Redis at ${redis.where}: connection lost${lastError ? ` (${lastError})` : ''}; the batch is sent again when it is back`,
      { retryable: true },
    );
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  for (const c of connections) c.on('close', lost);

  events.on('completed', ({ jobId, returnvalue }) => {
    const w = waiting.get(jobId);
    if (!w) return;
    waiting.delete(jobId);
    try {
      w.resolve(typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue);
    } catch {
      w.reject(
        new EvaluationError('GALAPAGOS_ERR_BAD_REPLY', `job ${jobId}: the reply is not JSON`, {
          retryable: false,
        }),
      );
    }
  });
  events.on('failed', ({ jobId, failedReason }) => {
    const w = waiting.get(jobId);
    if (!w) return;
    waiting.delete(jobId);
    w.reject(failureOf(failedReason));
  });

  // The fleet: live workers from their heartbeats, read now and every heartbeat.
  const keys = fleetKeys(name);
  let workers: WorkerAdvert[] = [];
  const readWorkers = async (): Promise<WorkerAdvert[]> => {
    const ids = await commands.smembers(keys.workers);
    if (ids.length === 0) return [];
    const adverts = await commands.mget(ids.map((id) => keys.worker(id)));
    const live: WorkerAdvert[] = [];
    const gone: string[] = [];
    adverts.forEach((json, i) => {
      let advert: unknown;
      try {
        advert = json === null ? undefined : JSON.parse(json);
      } catch {
        advert = undefined;
      }
      if (Value.Check(WorkerAdvertSchema, advert)) live.push(advert);
      else if (json === null) gone.push(ids[i]!);
    });
    if (gone.length > 0) await commands.srem(keys.workers, ...gone);
    return live.sort((a, b) => a.id.localeCompare(b.id));
  };
  workers = await readWorkers();
  const refresh = setInterval(() => {
    readWorkers().then(
      (live) => {
        workers = live;
      },
      () => {},
    );
  }, HEARTBEAT_MS);
  refresh.unref();

  const tag = randomUUID().slice(0, 8);
  let sent = 0;
  let busyMs = 0;
  const threads = () => workers.reduce((sum, w) => sum + w.threads, 0);
  const strictest = (pick: (w: WorkerAdvert) => number) =>
    workers.length === 0 ? undefined : Math.min(...workers.map(pick));

  const evaluator: QueueEvaluator = {
    maxBatchBytes: options.maxBatchBytes,
    get maxBatchGenomes() {
      return Math.min(MAX_GENOMES_PER_REQUEST, strictest((w) => w.limits.maxGenomes) ?? Infinity);
    },
    get maxCostTotalMs() {
      return strictest((w) => w.limits.maxCostTotalMs);
    },
    // A worker takes batches while it has a free thread, each holding a thread per genome:
    // like a server, it spreads one batch over its threads.
    get capacity() {
      return threads() || undefined;
    },
    get servers() {
      return workers.length || undefined;
    },
    // A worker that stops answering is taken over by BullMQ (its batch stalls and another
    // worker takes it), so a speculative duplicate would only repeat work: none by default.
    remote: false,
    handsBackForeign: true,
    busyMs: () => busyMs,
    workers: () => workers,
    async evaluate(request, { signal, fingerprint }) {
      signal.throwIfAborted();
      const jobId = `${tag}-${++sent}`;
      const data: QueueJob = { v: 1, request, ...(fingerprint ? { fingerprint } : {}) };
      // Listening before the job exists: its reply cannot come before the listener.
      const reply = new Promise<unknown>((resolve, reject) => {
        waiting.set(jobId, { resolve, reject });
      });
      // It may fail (abort, Redis lost) before it is awaited, while the job is being added.
      reply.catch(() => {});
      const abandon = () => {
        if (!waiting.delete(jobId)) return;
        // Not wanted any more: out of the queue unless a worker has it already.
        queue.remove(jobId).catch(() => {});
      };
      const onAbort = () => {
        const w = waiting.get(jobId);
        abandon();
        w?.reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        try {
          // While Redis is away BullMQ would wait for it: the dispatcher decides how long.
          if (commands.status !== 'ready')
            throw new Error(lastError ?? `connection ${commands.status}`);
          await queue.add(EVALUATE_JOB, data, {
            jobId,
            attempts: 1,
            removeOnComplete: true,
            removeOnFail: { age: 24 * 3600, count: 1000 },
          });
        } catch (error) {
          waiting.delete(jobId);
          throw new EvaluationError(
            'GALAPAGOS_ERR_UNREACHABLE',
            `Redis at ${redis.where}: ${(error as Error).message}`,
            { retryable: true, cause: error },
          );
        }
        const value = await reply;
        const fitness = fitnessOf(value, request.genomes.length);
        busyMs += busyMsOf(value);
        return fitness;
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },
    async problems(signal) {
      // A fleet may still be starting: wait for a first worker as long as the caller does.
      while (workers.length === 0) {
        workers = await readWorkers().catch(() => []);
        if (workers.length > 0) break;
        if (signal.aborted)
          throw new EvaluationError(
            'GALAPAGOS_ERR_NO_WORKERS',
            `no worker takes batches from queue "${name}" at ${redis.where}: start one with galapagos worker --redis ${redis.where} --queue ${name}`,
            { retryable: false },
          );
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      return workers.map((w) => ({ where: workerWhere(w), problems: w.problems }));
    },
    async health(): Promise<TargetHealth[]> {
      const started = performance.now();
      try {
        await commands.ping();
        const latencyMs = performance.now() - started;
        const live = await readWorkers();
        if (live.length === 0)
          return [
            {
              where: `queue "${name}" at ${redis.where}`,
              ok: false,
              latencyMs,
              error: 'no live workers',
            },
          ];
        return live.map((w) => ({
          where: workerWhere(w),
          ok: true,
          version: w.version,
          workers: w.threads,
          latencyMs,
        }));
      } catch (error) {
        return [{ where: redis.where, ok: false, error: (error as Error).message }];
      }
    },
    async close() {
      clearInterval(refresh);
      for (const w of waiting.values())
        w.reject(new EvaluationError('GALAPAGOS_ERR_ABORTED', 'closed', { retryable: false }));
      waiting.clear();
      // BullMQ's close waits for Redis: with Redis away, the connections just go.
      const closing = Promise.allSettled([queue.close(), events.close()]);
      if (commands.status !== 'ready') for (const c of connections) c.disconnect();
      await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      for (const c of connections) c.disconnect();
    },
  };
  return evaluator;
}

/** The error a failed job stands for: a worker's coded reply, or BullMQ's own reason. */
function failureOf(reason: string): EvaluationError {
  let body: unknown;
  try {
    body = JSON.parse(reason);
  } catch {
    body = undefined;
  }
  const status = (body as { statusCode?: unknown } | undefined)?.statusCode;
  if (typeof status === 'number') return errorFromReply(status, body, undefined);
  // Not a worker's reply: BullMQ gave up on the job (it stalled too often: its workers died).
  return new EvaluationError(
    'GALAPAGOS_ERR_WORKER_LOST',
    `the batch failed on the queue: ${reason}`,
    {
      retryable: true,
    },
  );
}
