/**
 * Shutting down: once the app starts closing, new requests get 503 `GALAPAGOS_ERR_SHUTTING_DOWN`
 * and every reply closes its connection, so keep-alive clients cannot hold the server open
 * past its in-flight work (which the pool plugin waits for).
 */
import plugin from 'fastify-plugin';
import { ServerError } from '../errors.js';

export const shutdownPlugin = plugin(
  async (app) => {
    let closing = false;
    app.addHook('preClose', async () => {
      closing = true;
    });
    app.addHook('onRequest', async (_request, reply) => {
      if (!closing) return;
      reply.header('connection', 'close');
      throw new ServerError('GALAPAGOS_ERR_SHUTTING_DOWN', 'the server is shutting down');
    });
    app.addHook('onSend', async (_request, reply, payload) => {
      if (closing) reply.header('connection', 'close');
      return payload;
    });
  },
  { name: 'galapagos-shutdown' },
);
