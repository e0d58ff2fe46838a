import {
  ErrorReplySchema,
  type EvaluateRequest,
  EvaluateRequestSchema,
  EvaluateResponseSchema,
  HealthSchema,
  ProblemListSchema,
} from '@galapagos/core';
import type { FastifyInstance } from 'fastify';
import './plugins/decorations.js';
import { OPEN } from './plugins/route-policy.js';
import { VERSION } from './version.js';

const errors = { '4xx': ErrorReplySchema, '5xx': ErrorReplySchema };
const text = { type: 'string' } as const;

/** Aborts when the client goes away before its reply is written. */
function whenClientLeaves(raw: import('node:http').ServerResponse): AbortSignal {
  const controller = new AbortController();
  raw.once('close', () => {
    if (!raw.writableFinished) controller.abort(new Error('client closed the connection'));
  });
  return controller.signal;
}

const home = (version: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Galápagos fitness server</title></head>
<body>
<h1>Galápagos fitness server ${version}</h1>
<p>The server is up. It evaluates genetic-algorithm fitness on a pool of worker threads.</p>
<ul>
<li><a href="/dashboard">Runs (dashboard)</a></li>
<li><a href="/docs">API documentation (OpenAPI)</a></li>
<li><a href="/health">/health</a> · <a href="/v1/problems">/v1/problems</a> · <a href="/metrics">/metrics</a></li>
</ul>
</body></html>
`;

/** Wire protocol v1: every route; a new route goes here. */
export async function routes(app: FastifyInstance): Promise<void> {
  const { settings: options, metrics, pool } = app;
  const startedAt = performance.now();

  app.get(
    '/',
    { config: OPEN, schema: { hide: true, response: { 200: text, ...errors } } },
    async (_request, reply) => reply.type('text/html; charset=utf-8').send(home(VERSION)),
  );

  app.get(
    '/health',
    {
      config: OPEN,
      schema: { summary: 'Liveness and pool size', response: { 200: HealthSchema, ...errors } },
    },
    async () => ({
      status: 'ok' as const,
      version: VERSION,
      threads: pool.get().threads,
      workers: pool.get().threads,
      uptime: (performance.now() - startedAt) / 1000,
      limits: {
        maxGenomes: options.maxGenomes,
        bodyLimit: options.bodyLimit,
        maxCostMs: options.maxCostMs,
        maxCostTotalMs: options.maxCostTotalMs,
        timeoutMs: options.timeoutMs,
      },
    }),
  );

  let problems: unknown;
  app.get(
    '/v1/problems',
    {
      schema: { summary: 'The problem registry', response: { 200: ProblemListSchema, ...errors } },
    },
    async () => {
      problems ??= { problems: pool.get().registry.summaries() };
      return problems;
    },
  );

  app.post(
    '/v1/evaluate',
    {
      config: { admission: 'evaluate' },
      schema: {
        summary: 'Evaluate a batch of genomes; fitness[i] belongs to genomes[i]',
        body: EvaluateRequestSchema,
        response: { 200: EvaluateResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      const evaluated = await pool.evaluate(
        request.body as EvaluateRequest,
        whenClientLeaves(reply.raw),
      );
      // The reply is built here with exactly the schema's fields: JSON.stringify writes it as
      // the schema's serializer would, without compiling one (~15 ms of a cold start).
      reply.serializer(JSON.stringify);
      return evaluated;
    },
  );

  app.get(
    '/one_max_fitness/:bits',
    {
      schema: {
        summary: "The reference design's endpoint: plain-text number of ones, default cost applied",
        params: {
          type: 'object',
          properties: { bits: { type: 'string', pattern: '^[01]+$', maxLength: 100_000 } },
          required: ['bits'],
          additionalProperties: false,
        },
        response: { 200: text, ...errors },
      },
    },
    async (request, reply) => {
      const { bits } = request.params as { bits: string };
      const { fitness } = await pool.evaluate(
        {
          problem: 'onemax',
          params: { length: bits.length },
          ...(options.defaultCost.ms > 0 ? { cost: options.defaultCost } : {}),
          genomes: [bits],
        },
        whenClientLeaves(reply.raw),
      );
      return reply.type('text/plain; charset=utf-8').send(String(fitness[0]));
    },
  );

  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics', response: { 200: text, ...errors } } },
    async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
