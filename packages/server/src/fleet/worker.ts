/**
 * A fleet worker: takes evaluation batches from a BullMQ queue on Redis and evaluates them on
 * its own worker-thread pool, under the same limits as a server. Any number may run, on any
 * machine; each keeps a heartbeat (its threads and problems) that clients size batches to.
 *
 * BullMQ gives at-least-once delivery: a job's lock is renewed from this process's main thread
 * while the pool computes (the fitness never blocks it), so a batch may outlast the lock; a
 * worker that dies stops renewing, and another worker takes the batch over (stalled job).
 */

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { connectRedis } from '@galapagos/client';
import {
  EVALUATE_JOB,
  fleetKeys,
  HEARTBEAT_MS,
  HEARTBEAT_TTL_MS,
  isGalapagosError,
  QueueJobSchema,
  type WorkerAdvert,
} from '@galapagos/core';
import { createEvaluationPool, type EvaluationPool } from '@galapagos/core/runtime';
import { DelayedError, type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import Value from 'typebox/value';
import { bounded, errorBody, type ReplyCode, ServerError, StartupError } from '../errors.js';
import { evaluateRequest } from '../evaluation.js';
import { createMetrics } from '../metrics.js';
import { VERSION } from '../version.js';
import type { FleetWorkerOptions } from './options.js';

export interface FleetWorkerStats {
  /** Batches evaluated and returned. */
  completed: number;
  /** Batches failed (their fitness threw, or the job was malformed or for other code). */
  failed: number;
  /** Batches handed back to the queue unfinished: at shutdown, or for other code. */
  handedBack: number;
  /** Batches being evaluated now. */
  active: number;
}

export interface FleetWorker {
  /** `host:pid`, as jobs and clients name this worker. */
  readonly where: string;
  readonly pool: EvaluationPool;
  stats(): FleetWorkerStats;
  /**
   * Stops taking jobs and withdraws the heartbeat; running batches finish within the grace
   * period, and those still running then are handed back to the queue for another worker.
   */
  close(): Promise<void>;
}

/** How long a batch for other code waits before a worker may take it again. */
const FOREIGN_DELAY_MS = 250;
/** How long handing back the batches in hand may take after the grace period. */
const HAND_BACK_MS = 5000;

/** Waits for `work` at most `ms`, and never fails. */
async function within(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

/** Fails a job for good (no BullMQ retry): the client reads the coded reply from its reason. */
function failJob(code: ReplyCode, message: string): never {
  throw new UnrecoverableError(JSON.stringify(errorBody(code, bounded(message))));
}

/**
 * Connects, starts the pool and starts taking jobs. Waits for Redis while it is unreachable
 * (a fleet may start before it).
 * @throws StartupError `GALAPAGOS_ERR_REDIS` when Redis refuses the credentials or TLS.
 */
export async function startFleetWorker(
  options: FleetWorkerOptions,
  log: (line: string) => void = () => {},
): Promise<FleetWorker> {
  const { redis, queue } = options;
  const where = `${hostname()}:${process.pid}`;
  let outage: string | undefined;
  let connection: Redis;
  try {
    connection = await connectRedis(redis, {
      name: `galapagos-worker:${where}`,
      // BullMQ's workers block on Redis: commands wait for a reconnection instead of failing.
      whileAway: 'wait',
      // Waits for Redis while it is unreachable (a fleet may start before it).
      onError: (error) => {
        if (outage === error.message) return;
        outage = error.message;
        log(`redis ${redis.where}: ${error.message} (retrying)`);
      },
    });
  } catch (error) {
    throw new StartupError(
      'GALAPAGOS_ERR_REDIS',
      `Redis at ${redis.where} refused this worker: ${(error as Error).message} (check GALAPAGOS_REDIS_PASSWORD, GALAPAGOS_REDIS_USERNAME, and for rediss:// the server's certificate, trusted through NODE_EXTRA_CA_CERTS)`,
    );
  }
  if (outage !== undefined) log(`redis ${redis.where}: connected again`);
  outage = undefined;
  connection.on('ready', () => {
    if (outage !== undefined) log(`redis ${redis.where}: connected again`);
    outage = undefined;
  });

  const server = options.server;
  const pool = await createEvaluationPool({
    threads: server.threads,
    maxQueue: server.maxQueue,
    niceIncrement: server.workerNice,
    problemModules: server.problemModules,
    ...(server.threadMemoryMb ? { threadMemoryMb: server.threadMemoryMb } : {}),
  });
  const metrics = createMetrics(() => pool.stats());
  const stats: FleetWorkerStats = { completed: 0, failed: 0, handedBack: 0, active: 0 };
  let handingBack = false;
  /** Fingerprints of runs whose batches this worker handed back (logged once each). */
  const foreign = new Set<string>();

  const evaluateJob = async (job: Job, token?: string, signal?: AbortSignal) => {
    const data: unknown = job.data;
    if (job.name !== EVALUATE_JOB || !Value.Check(QueueJobSchema, data)) {
      const first = Value.Errors(QueueJobSchema, data)[0];
      failJob(
        'GALAPAGOS_ERR_INVALID_REQUEST',
        `job ${job.id} (${job.name}) is not an evaluation batch${first ? `: ${first.instancePath || '/'} ${first.message}` : ''}`,
      );
    }
    const { request, fingerprint } = data;
    const mine = pool.registry.has(request.problem)
      ? pool.registry.fingerprint(request.problem)
      : undefined;
    if (fingerprint !== undefined && mine !== fingerprint && token !== undefined) {
      // Another run's code: the batch goes back to the queue, shortly, for a worker that runs
      // it (the client excluded this one and counts on the others). It is never evaluated here.
      if (!foreign.has(fingerprint)) {
        foreign.add(fingerprint);
        log(
          `queue "${queue}": a run of problem "${request.problem}" wants fingerprint ${fingerprint}; this worker ${mine === undefined ? 'does not serve it' : `serves ${mine}`}, so it hands that run's batches back (restart it with the run's modules: galapagos worker --problems …)`,
        );
      }
      stats.handedBack++;
      await job.moveToDelayed(Date.now() + FOREIGN_DELAY_MS, token);
      throw new DelayedError();
    }
    try {
      return await evaluateRequest(pool, server, metrics, request, signal);
    } catch (error) {
      if (handingBack && token !== undefined) {
        // Shutting down: back to the queue, unfinished, for another worker.
        await job.moveToWait(token);
        stats.handedBack++;
        throw new WaitingError();
      }
      if (isGalapagosError(error) || error instanceof ServerError)
        failJob(error.code, error.message);
      failJob('GALAPAGOS_ERR_INTERNAL', (error as Error).message);
    }
  };

  const worker = new Worker(queue, evaluateJob, {
    connection,
    name: where,
    concurrency: pool.threads,
    lockDuration: options.lockMs,
    stalledInterval: options.lockMs,
    // A batch whose worker died is taken over; one that kills worker after worker fails.
    maxStalledCount: 2,
  });
  worker.on('error', (error) => {
    if (outage === undefined) log(`queue "${queue}": ${error.message}`);
  });
  // Slots: a batch holds a thread per genome (up to all of them). The worker takes another
  // batch only while its free threads could hold one like the last it took (a generation's
  // batches are alike), so a fleet's batches spread over its workers instead of piling onto
  // whichever fetched first; one-genome batches still fill every thread. ('active' is emitted
  // before BullMQ's fetch loop decides whether to fetch again.)
  const threads = pool.threads;
  const holding = new Map<string, number>();
  let slotsUsed = 0;
  let lastSlots = 1;
  const resize = () => {
    const room = Math.floor(Math.max(0, threads - slotsUsed) / lastSlots);
    worker.concurrency = Math.max(1, holding.size + room);
  };
  const release = (id: string | undefined) => {
    const slots = id === undefined ? undefined : holding.get(id);
    if (slots === undefined) return;
    holding.delete(id!);
    slotsUsed -= slots;
    stats.active--;
    resize();
  };
  worker.on('active', (job: Job) => {
    const genomes = (job.data as { request?: { genomes?: unknown[] } })?.request?.genomes;
    const slots = Math.min(threads, Math.max(1, Array.isArray(genomes) ? genomes.length : 1));
    holding.set(job.id!, slots);
    slotsUsed += slots;
    lastSlots = slots;
    stats.active++;
    resize();
  });
  worker.on('completed', (job) => {
    release(job.id);
    stats.completed++;
  });
  worker.on('failed', (job, error) => {
    release(job?.id);
    if (error instanceof WaitingError || error.name === 'WaitingError') return;
    if (error instanceof DelayedError || error.name === 'DelayedError') return;
    stats.failed++;
    log(`batch ${job?.id ?? '?'} failed: ${error.message}`);
  });

  // The heartbeat: clients count this worker's threads while it lasts.
  const keys = fleetKeys(queue);
  const advert: WorkerAdvert = {
    id: randomUUID(),
    host: hostname(),
    pid: process.pid,
    threads: pool.threads,
    version: VERSION,
    problems: pool.registry.summaries(),
    limits: { maxGenomes: server.maxGenomes, maxCostTotalMs: server.maxCostTotalMs },
  };
  const advertJson = JSON.stringify(advert);
  const beat = () =>
    connection
      .multi()
      .sadd(keys.workers, advert.id)
      .set(keys.worker(advert.id), advertJson, 'PX', HEARTBEAT_TTL_MS)
      .exec();
  await beat();
  const heartbeat = setInterval(() => void beat().catch(() => {}), HEARTBEAT_MS);
  heartbeat.unref();
  await worker.waitUntilReady();
  log(
    `taking batches from queue "${queue}" at ${redis.where} on ${pool.threads} threads (${pool.registry
      .summaries()
      .map((p) => p.id)
      .join(', ')})`,
  );

  let closing: Promise<void> | undefined;
  return {
    where,
    pool,
    stats: () => ({ ...stats }),
    close() {
      closing ??= (async () => {
        clearInterval(heartbeat);
        // Redis may be away: nothing here waits for it longer than the grace period allows.
        await within(
          1000,
          connection.multi().srem(keys.workers, advert.id).del(keys.worker(advert.id)).exec(),
        );
        const grace = setTimeout(() => {
          handingBack = true;
          worker.cancelAllJobs('the worker is shutting down');
        }, options.shutdownGraceMs);
        try {
          // Handing back needs Redis too; without it the batches' locks lapse and another
          // worker takes them over once Redis is back.
          await within(options.shutdownGraceMs + HAND_BACK_MS, worker.close());
        } finally {
          clearTimeout(grace);
          await pool.close();
          connection.disconnect();
        }
      })();
      return closing;
    },
  };
}
