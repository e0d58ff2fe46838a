/**
 * The server's own pool as a run's target (`"target": "self"`, the default): evaluations go
 * in-process through the same admission rule, limits and deadline as `POST /v1/evaluate`,
 * and fail with the codes and retryability an HTTP client would have read from its replies.
 */
import { type Evaluator, errorFromReply, GenomeFailuresError } from '@galapagos/client';
import { type Fitness, isGalapagosError } from '@galapagos/core';
import { STATUS_BY_CODE } from '../errors.js';
import type { ServerOptions } from '../options.js';
import { poolFull } from '../plugins/admission.js';
import type { PoolHandle } from '../plugins/pool.js';

const WHERE = "this server's pool";

/** What a coded failure would have been over HTTP (status, retryability); others as they are. */
function asReply(error: unknown): unknown {
  const code = (error as { code?: unknown })?.code;
  if (error instanceof GenomeFailuresError) return error;
  if (isGalapagosError(error) || (typeof code === 'string' && code in STATUS_BY_CODE)) {
    const status = STATUS_BY_CODE[code as keyof typeof STATUS_BY_CODE] ?? 500;
    const reply = errorFromReply(status, { code, message: (error as Error).message }, undefined);
    return Object.assign(reply, { cause: error });
  }
  return error;
}

export function selfEvaluator(pool: PoolHandle, options: ServerOptions): Evaluator {
  let busyMs = 0;
  return {
    maxBatchBytes: options.bodyLimit,
    maxBatchGenomes: options.maxGenomes,
    maxCostTotalMs: options.maxCostTotalMs,
    get capacity() {
      return pool.stats()?.threads;
    },
    remote: false,
    busyMs: () => busyMs,
    async evaluate(request, { signal }) {
      try {
        const full = poolFull(pool.stats());
        if (full) throw full;
        const reply = await pool.evaluate(request, signal);
        busyMs += reply.busyMs ?? 0;
        if (reply.failures) throw new GenomeFailuresError(reply.fitness, reply.failures);
        return reply.fitness as Fitness[];
      } catch (error) {
        if (signal.aborted) throw signal.reason ?? error;
        throw asReply(error);
      }
    },
    async problems() {
      return [{ where: WHERE, problems: pool.get().registry.summaries() }];
    },
    async health() {
      return [{ where: WHERE, ok: true, workers: pool.get().threads, latencyMs: 0 }];
    },
    close: async () => {},
  };
}
