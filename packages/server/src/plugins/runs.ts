/**
 * Runs on the server: the SSE support, the run routes, and the service's life: it starts once
 * the app is ready (runs evaluate on the server's own pool, in-process: `runs/self.ts`;
 * this plugin imports none of it, so the Lambda and Azure entries bundle no run service) and
 * stops first when the server closes, leaving unfinished runs persisted for the next start.
 */
import { fastifySSE } from '@fastify/sse';
import plugin from 'fastify-plugin';
import { runRoutes } from '../runs/routes.js';

export const runsPlugin = plugin(
  async (app) => {
    await app.register(fastifySSE);
    const runs = app.settings.runs;
    if (runs) {
      app.addHook('onReady', async () => {
        await runs.start({ pool: app.pool, options: app.settings });
        app.log.info(`runs kept in ${runs.where}`);
      });
      app.addHook('preClose', async () => {
        await runs.stop();
      });
    }
    await app.register(runRoutes);
  },
  { name: 'galapagos-runs', dependencies: ['galapagos-pool'] },
);
