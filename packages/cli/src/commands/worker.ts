/**
 * `galapagos worker`: a fleet worker taking evaluation batches from a queue on Redis, in this
 * very process (so that stopping or killing it stops the worker). Credentials come from
 * GALAPAGOS_REDIS_PASSWORD and GALAPAGOS_REDIS_USERNAME, never from the command line.
 */
import { resolve } from 'node:path';
import { threadsOf } from '../flags.js';

export interface WorkerFlags {
  readonly redis: string;
  readonly queue?: string;
  readonly threads?: number;
  /** The old name of `threads`. */
  readonly workers?: number;
  readonly problems?: readonly string[];
  readonly lockMs?: number;
}

/** Runs the worker with the flags as its settings, until a signal stops it. */
export async function workerCommand(flags: WorkerFlags): Promise<void> {
  const threads = threadsOf(flags);
  const fleet = await import('@galapagos/server/fleet');
  await fleet.workerMain({
    ...process.env,
    GALAPAGOS_REDIS_URL: flags.redis,
    ...(flags.queue !== undefined ? { GALAPAGOS_QUEUE: flags.queue } : {}),
    ...(threads !== undefined ? { GALAPAGOS_THREADS: String(threads) } : {}),
    ...(flags.lockMs !== undefined ? { GALAPAGOS_LOCK_MS: String(flags.lockMs) } : {}),
    ...(flags.problems
      ? { GALAPAGOS_PROBLEMS: flags.problems.map((p) => resolve(p)).join(',') }
      : {}),
  });
}
