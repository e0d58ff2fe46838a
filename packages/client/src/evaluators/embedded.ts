import { isGalapagosError } from '@galapagos/core';
import { createEvaluationPool } from '@galapagos/core/runtime';
import { EvaluationError } from '../errors.js';
import { outcomesOf } from './reply.js';
import type { Evaluator } from './types.js';

/** Evaluates in this process on core's worker-thread pool: no server, no network. */
export async function createEmbeddedEvaluator(
  options: {
    threads?: number;
    /** @deprecated the old name of `threads` */
    workers?: number;
    threadMemoryMb?: number;
    problemModules?: readonly string[];
  } = {},
): Promise<Evaluator> {
  const threads = options.threads ?? options.workers;
  const pool = await createEvaluationPool({
    ...(threads === undefined ? {} : { threads }),
    ...(options.threadMemoryMb === undefined ? {} : { threadMemoryMb: options.threadMemoryMb }),
    problemModules: options.problemModules ?? [],
    // This process evaluates only its own run: a cheap batch the threads would not speed up
    // runs in place up to a second (its event loop still answers Ctrl-C within that).
    inlineMaxMs: 1000,
  });
  return {
    maxBatchBytes: Number.POSITIVE_INFINITY,
    capacity: pool.threads,
    busyMs: () => pool.stats().busyMs,
    async evaluate(request, { signal }) {
      try {
        return outcomesOf(await pool.evaluateEach(request, { signal, trusted: true }));
      } catch (error) {
        if (signal.aborted) throw signal.reason ?? error;
        if (isGalapagosError(error))
          throw new EvaluationError(error.code, error.message, {
            retryable: error.code === 'GALAPAGOS_ERR_OVERLOADED',
            cause: error,
          });
        throw error;
      }
    },
    async problems() {
      return [{ where: 'in-process', problems: pool.registry.summaries() }];
    },
    async health() {
      return [{ where: 'in-process', ok: true, workers: pool.threads, latencyMs: 0 }];
    },
    close: () => pool.close(),
  };
}
