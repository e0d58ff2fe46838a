import { createEvaluationPool, type EvaluationPool } from '@galapagos/core/runtime';
import type { ServerOptions } from './options.js';

/**
 * The worker pool a server's options describe: for the pool plugin, and for the Lambda entry,
 * which answers direct invokes from it before (or without) building the HTTP app.
 */
export function startServerPool(options: ServerOptions): Promise<EvaluationPool> {
  return createEvaluationPool({
    threads: options.threads,
    maxQueue: options.maxQueue,
    niceIncrement: options.workerNice,
    ...(options.lazyStart ? { lazy: true } : {}),
    problemModules: options.problemModules,
    ...(options.threadMemoryMb ? { threadMemoryMb: options.threadMemoryMb } : {}),
  });
}
