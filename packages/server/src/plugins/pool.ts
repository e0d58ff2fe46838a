/**
 * The worker pool as `app.pool`: started with `app.ready()`, evaluations tracked so that they
 * finish before it closes with `app.close()`, however the app is closed (a listening server
 * waits for its requests; inject and serverless callers do not).
 */
import type { EvaluateRequest, EvaluateResponse } from '@galapagos/core';
import type { EvaluationPool, PoolStats } from '@galapagos/core/runtime';
import plugin from 'fastify-plugin';
import { ServerError } from '../errors.js';
import { evaluateRequest } from '../evaluation.js';
import { startServerPool } from '../server-pool.js';

/** What routes and other plugins use of the pool. */
export interface PoolHandle {
  /** The running pool. @throws ServerError `GALAPAGOS_ERR_SHUTTING_DOWN` when there is none. */
  get(): EvaluationPool;
  /** Its load now, when it runs. */
  stats(): PoolStats | undefined;
  /** Evaluates under the server's limits; tracked so shutdown can wait for it. */
  evaluate(request: EvaluateRequest, cancelled?: AbortSignal): Promise<EvaluateResponse>;
}

export const poolPlugin = plugin(
  async (app) => {
    const options = app.settings;
    let pool: EvaluationPool | undefined = options.pool;
    const inFlight = new Set<Promise<unknown>>();
    const get = (): EvaluationPool => {
      if (!pool)
        throw new ServerError('GALAPAGOS_ERR_SHUTTING_DOWN', 'the worker pool is not running');
      return pool;
    };
    app.decorate<PoolHandle>('pool', {
      get,
      stats: () => pool?.stats(),
      evaluate(request, cancelled) {
        const running = evaluateRequest(get(), options, app.metrics, request, cancelled);
        inFlight.add(running);
        const forget = () => inFlight.delete(running);
        void running.then(forget, forget);
        return running;
      },
    });
    app.addHook('onReady', async () => {
      pool ??= await startServerPool(options);
    });
    app.addHook('onClose', async () => {
      await Promise.allSettled([...inFlight]);
      if (pool && pool !== options.pool) await pool.close();
    });
  },
  { name: 'galapagos-pool', dependencies: ['galapagos-metrics'] },
);
