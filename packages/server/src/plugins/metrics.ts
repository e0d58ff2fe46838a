/** Prometheus metrics as `app.metrics`, with every reply counted by route, method and status. */
import plugin from 'fastify-plugin';
import { createMetrics } from '../metrics.js';
import type { PoolHandle } from './pool.js';

export const metricsPlugin = plugin(
  async (app) => {
    // The pool's gauges read it when scraped; it is decorated after this plugin.
    const pool = () => (app as { pool?: PoolHandle }).pool?.stats();
    app.decorate('metrics', app.settings.metrics ?? createMetrics(pool));
    app.addHook('onResponse', async (request, reply) => {
      app.metrics.requests.inc({
        route: request.routeOptions.url ?? 'unmatched',
        method: request.method,
        status: String(reply.statusCode),
      });
    });
  },
  { name: 'galapagos-metrics' },
);
