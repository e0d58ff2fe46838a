/**
 * A fleet worker's settings (`galapagos-worker`, `galapagos worker`): where the queue is, and
 * the evaluation settings a server has (threads, problem modules, limits), all from the
 * environment like the server's.
 */
import {
  DEFAULT_QUEUE,
  QUEUE_NAME_PATTERN,
  type RedisSettings,
  redisSettings,
} from '@galapagos/core';
import { StartupError } from '../errors.js';
import { type Env, integer, MAX_TIMER_MS, optionsFromEnv, type ServerOptions } from '../options.js';

export interface FleetWorkerOptions {
  readonly redis: RedisSettings;
  readonly queue: string;
  /** Threads, problem modules and the evaluation limits, as a server reads them. */
  readonly server: ServerOptions;
  /**
   * How long a job's lock lasts without renewal (BullMQ's lockDuration). The worker renews it
   * from its main thread every half of it while the pool computes, so a batch may take far
   * longer; a killed worker's batch is taken over about this long after its last renewal.
   */
  readonly lockMs: number;
  /** On SIGTERM, how long running batches may take before they are handed back to the queue. */
  readonly shutdownGraceMs: number;
}

/**
 * Settings from `GALAPAGOS_REDIS_URL` (required), `GALAPAGOS_QUEUE`, `GALAPAGOS_LOCK_MS`,
 * `GALAPAGOS_SHUTDOWN_GRACE_MS`, the credentials `GALAPAGOS_REDIS_PASSWORD` /
 * `GALAPAGOS_REDIS_USERNAME`, and every server variable (`GALAPAGOS_THREADS`,
 * `GALAPAGOS_PROBLEMS`, `GALAPAGOS_MAX_COST_MS`, …).
 * @throws StartupError `GALAPAGOS_ERR_SETTINGS` naming the variable.
 */
export function fleetWorkerOptionsFromEnv(env: Env): FleetWorkerOptions {
  const url = env.GALAPAGOS_REDIS_URL?.trim();
  if (!url)
    throw new StartupError(
      'GALAPAGOS_ERR_SETTINGS',
      'GALAPAGOS_REDIS_URL is not set: say where the queue is, e.g. redis://127.0.0.1:6379 (galapagos worker --redis URL)',
    );
  let redis: RedisSettings;
  try {
    redis = redisSettings(url, env);
  } catch (error) {
    throw new StartupError(
      'GALAPAGOS_ERR_SETTINGS',
      `GALAPAGOS_REDIS_URL: ${(error as Error).message}`,
    );
  }
  const queue = env.GALAPAGOS_QUEUE?.trim() || DEFAULT_QUEUE;
  if (!new RegExp(QUEUE_NAME_PATTERN).test(queue))
    throw new StartupError(
      'GALAPAGOS_ERR_SETTINGS',
      `GALAPAGOS_QUEUE "${queue}" must be letters, digits, _ . - (no colon), at most 64 characters`,
    );
  return {
    redis,
    queue,
    server: optionsFromEnv(env),
    lockMs: integer(env, 'GALAPAGOS_LOCK_MS', 30_000, 1000, MAX_TIMER_MS),
    shutdownGraceMs: integer(env, 'GALAPAGOS_SHUTDOWN_GRACE_MS', 10_000, 0, MAX_TIMER_MS),
  };
}
