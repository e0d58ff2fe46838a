/**
 * Runs on the server: the SSE support, the run routes, and the service's life: it starts
 * once the server listens (runs evaluate on the server's own pool over loopback, with the
 * in-process credential) and stops first when the server closes, leaving unfinished runs
 * persisted for the next start.
 */
import type { AddressInfo } from 'node:net';
import { fastifySSE } from '@fastify/sse';
import plugin from 'fastify-plugin';
import { runRoutes } from '../runs/routes.js';
import { INTERNAL_HEADER } from './auth.js';

export const runsPlugin = plugin(
  async (app) => {
    await app.register(fastifySSE);
    const runs = app.settings.runs;
    if (runs) {
      app.addHook('onListen', async () => {
        const address = app.server.address() as AddressInfo;
        const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        const loopback = /^(0\.0\.0\.0|\[::\])$/.test(host)
          ? address.family === 'IPv6'
            ? '[::1]'
            : '127.0.0.1'
          : host;
        const token = app.settings.internalToken;
        await runs.start({
          url: `http://${loopback}:${address.port}`,
          headers: token === undefined ? {} : { [INTERNAL_HEADER]: token },
        });
        app.log.info(`runs kept in ${runs.where}`);
      });
      app.addHook('preClose', async () => {
        await runs.stop();
      });
    }
    await app.register(runRoutes);
  },
  { name: 'galapagos-runs' },
);
