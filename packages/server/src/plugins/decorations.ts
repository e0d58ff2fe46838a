/** What the plugins decorate the app with, for every file that uses it. */
import type { Metrics } from '../metrics.js';
import type { ServerOptions } from '../options.js';
import type { PoolHandle } from './pool.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The options the app was built with (see `buildApp`). */
    readonly settings: ServerOptions;
    /** Prometheus metrics (plugins/metrics.ts). */
    readonly metrics: Metrics;
    /** The worker pool (plugins/pool.ts). */
    readonly pool: PoolHandle;
  }
}
