/**
 * The run API (`/v1/runs`) and the dashboard (`/dashboard`), over an injected run service.
 * Without one (a Lambda or Azure function, or `GALAPAGOS_RUNS=off`) every route answers
 * `GALAPAGOS_ERR_RUNS_DISABLED`.
 */
import {
  ErrorReplySchema,
  RunDetailSchema,
  RunEventSchema,
  RunListSchema,
  RunStateSchema,
  RunSummarySchema,
} from '@galapagos/core';
import type { FastifyInstance } from 'fastify';
import { type ReplyCode, ServerError, STATUS_BY_CODE } from '../errors.js';
import '../plugins/decorations.js';
import { OPEN } from '../plugins/route-policy.js';
import type { RunService } from './service.js';

const errors = { '4xx': ErrorReplySchema, '5xx': ErrorReplySchema };
const idParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[a-z0-9]{6,40}$' } },
  required: ['id'],
} as const;

/** The service's coded errors as the server's; anything else is a fault. */
function coded(error: unknown): unknown {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && code in STATUS_BY_CODE)
    return new ServerError(code as ReplyCode, (error as Error).message);
  return error;
}
const call = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    throw coded(error);
  }
};

/** The generation a reconnecting stream resumes after (`Last-Event-ID`), or -1. */
const resumeAfter = (lastEventId: string | null | undefined): number => {
  const n = Number(lastEventId);
  return lastEventId && Number.isSafeInteger(n) && n >= -1 ? n : -1;
};

export async function runRoutes(app: FastifyInstance): Promise<void> {
  const runs: RunService | undefined = app.settings.runs;
  const service = (): RunService => {
    if (runs) return runs;
    throw new ServerError(
      'GALAPAGOS_ERR_RUNS_DISABLED',
      'this server does not run evolutions: a listening server runs them (galapagos serve, galapagos-server, pnpm serve, the image) unless GALAPAGOS_RUNS=off; Lambda and Azure functions evaluate only',
    );
  };
  // Streams end when the server closes, so closing never waits on a watcher.
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());

  app.post(
    '/v1/runs',
    {
      schema: {
        summary: 'Submit a run: evolved on the server, off the request cycle',
        body: { type: 'object' },
        response: { 202: RunSummarySchema, ...errors },
      },
    },
    async (request, reply) => {
      const summary = await call(() => service().submit(request.body));
      return reply.status(202).header('location', `/v1/runs/${summary.id}`).send(summary);
    },
  );
  app.get(
    '/v1/runs',
    {
      schema: {
        summary: 'Every run: status, generation, best',
        response: { 200: RunListSchema, ...errors },
      },
    },
    () => call(() => service().list()),
  );
  app.get(
    '/v1/runs/:id',
    {
      schema: {
        summary: 'One run: the logbook so far, best, errors',
        params: idParams,
        response: { 200: RunDetailSchema, ...errors },
      },
    },
    (request) => call(() => service().get((request.params as { id: string }).id)),
  );
  app.get(
    '/v1/runs/:id/state',
    {
      schema: {
        summary: "The run's engine state after its last generation (a checkpoint)",
        params: idParams,
        response: { 200: RunStateSchema, ...errors },
      },
    },
    (request) => call(() => service().state((request.params as { id: string }).id)),
  );
  app.delete(
    '/v1/runs/:id',
    {
      schema: {
        summary: 'Cancel a run',
        params: idParams,
        response: { 200: RunSummarySchema, ...errors },
      },
    },
    (request) => call(() => service().cancel((request.params as { id: string }).id)),
  );
  app.get(
    '/v1/runs/:id/events',
    {
      sse: { kind: 'only', heartbeat: true },
      schema: {
        summary:
          'Server-Sent Events: one `generation` event per generation (id = generation; Last-Event-ID resumes after it), then `end`',
        params: idParams,
        response: {
          200: {
            description: 'The event stream',
            content: { 'text/event-stream': { schema: RunEventSchema } },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      // A run that does not exist is a coded 404, not an empty stream.
      await call(() => service().get(id));
      const gone = new AbortController();
      reply.sse.onClose(() => gone.abort());
      const signal = AbortSignal.any([gone.signal, closing.signal]);
      const after = resumeAfter(reply.sse.lastEventId ?? undefined);
      for await (const message of service().events(id, after, signal)) {
        if (!reply.sse.isConnected) break;
        await reply.sse.send({
          ...('id' in message ? { id: message.id } : {}),
          event: message.event,
          data: message.data,
        });
      }
      reply.sse.close();
    },
  );

  const dashboard = (name: string) => {
    const file = service().dashboardFile(name);
    if (!file) throw new ServerError('GALAPAGOS_ERR_NOT_FOUND', `no dashboard file "${name}"`);
    return file;
  };
  // The dashboard's page and scripts hold no data (its data comes from keyed routes): open.
  app.get('/dashboard', { config: OPEN, schema: { hide: true } }, async (_request, reply) => {
    const file = dashboard('');
    return reply.type(file.type).header('cache-control', 'no-cache').send(file.body);
  });
  app.get('/dashboard/*', { config: OPEN, schema: { hide: true } }, async (request, reply) => {
    const file = dashboard((request.params as { '*': string })['*']);
    return reply.type(file.type).header('cache-control', 'max-age=300').send(file.body);
  });
}
