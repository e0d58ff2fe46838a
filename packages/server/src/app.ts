import { STATUS_CODES } from 'node:http';
import { finished } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { GalapagosError, isGalapagosError } from '@galapagos/core';
import { createEvaluationPool, type EvaluationPool } from '@galapagos/core/runtime';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { apiKeyCheck } from './auth.js';
import { limitConnections } from './connections.js';
import {
  errorBody,
  RETRY_AFTER_SECONDS,
  type ReplyCode,
  ServerError,
  STATUS_BY_CODE,
} from './errors.js';
import { evaluateRequest } from './evaluation.js';
import { createMetrics } from './metrics.js';
import { defaultOptions, type ServerOptions } from './options.js';
import { type RouteContext, registerRoutes } from './routes.js';
import { VERSION } from './version.js';

const version = VERSION;

/** The header carrying {@link ServerOptions.internalToken} on in-process requests. */
export const INTERNAL_HEADER = 'x-galapagos-internal';

/** Routes that answer without an API key. */
const OPEN_ROUTES = new Set(['/', '/health']);

const FASTIFY_CODES: Record<string, ReplyCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'GALAPAGOS_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'GALAPAGOS_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'GALAPAGOS_ERR_INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'GALAPAGOS_ERR_INVALID_JSON',
};

/** A message cut to a readable length (some echo the request). */
const bounded = (message: string, limit = 300) =>
  message.length > limit ? `${message.slice(0, limit)}… (${message.length} characters)` : message;

/**
 * Answers what Node's HTTP parser refuses (oversized headers, bad framing, a request sent too
 * slowly) with a coded JSON body, then closes the connection, as Node itself would.
 */
function clientError(error: NodeJS.ErrnoException, socket: import('node:stream').Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ReplyCode =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'GALAPAGOS_ERR_HEADERS_TOO_LARGE'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'GALAPAGOS_ERR_CLIENT_TIMEOUT'
        : 'GALAPAGOS_ERR_MALFORMED_HTTP';
  const body = JSON.stringify(
    errorBody(code, bounded(`${error.code ?? 'HTTP'}: ${error.message}`)),
  );
  const status = STATUS_BY_CODE[code];
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Longest a refused request's body is let through before the refusal is sent anyway. */
const DISCARD_WAIT_MS = 1000;

/**
 * Lets a refused request's body stream past without keeping it (no buffering, no parsing), so
 * that the client, still sending, reads the refusal instead of a broken pipe; the connection
 * then closes.
 */
async function discardBody(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.header('connection', 'close');
  const raw = request.raw;
  if (raw.complete || raw.destroyed) return;
  raw.resume();
  // A sender that never finishes gets its refusal after a second anyway.
  const patience = new AbortController();
  await Promise.race([
    finished(raw).catch(() => {}),
    sleep(DISCARD_WAIT_MS, undefined, { signal: patience.signal }).catch(() => {}),
  ]);
  patience.abort();
}

/** The code and public message of any error a route or Fastify raised. */
function classify(error: FastifyError): { code: ReplyCode; message: string } {
  if (isGalapagosError(error) || error instanceof ServerError)
    return { code: error.code, message: error.message };
  if (error.validation)
    return { code: 'GALAPAGOS_ERR_INVALID_REQUEST', message: bounded(error.message) };
  const mapped = FASTIFY_CODES[error.code];
  if (mapped) return { code: mapped, message: error.message };
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH')
    return { code: 'GALAPAGOS_ERR_INVALID_JSON', message: error.message };
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500)
    return { code: 'GALAPAGOS_ERR_INVALID_REQUEST', message: error.message };
  return { code: 'GALAPAGOS_ERR_INTERNAL', message: 'internal server error (logged)' };
}

/**
 * Builds the fitness server. It never listens: `main.ts` does, the Lambda and Azure entries
 * forward events to it, and tests call `app.inject`. The worker pool starts with
 * `app.ready()` and stops with `app.close()`.
 */
export function buildApp(overrides: Partial<ServerOptions> = {}): FastifyInstance {
  const options: ServerOptions = { ...defaultOptions(), ...overrides };
  const app = Fastify({
    logger: options.logLevel === false ? false : { level: options.logLevel },
    bodyLimit: options.bodyLimit,
    return503OnClosing: false,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    // `/one_max_fitness/:bits` takes up to 100,000 bits in its path segment (the default is 100).
    routerOptions: { maxParamLength: 100_000 },
    // Errors Node's HTTP parser raises before Fastify sees a request get a coded body too.
    clientErrorHandler: clientError,
    // Errors raised before routing (a malformed URL) get the same coded body as the rest,
    // without echoing a long URL back.
    frameworkErrors: (error, _request, reply) => {
      (reply as FastifyReply)
        .status(400)
        .send(errorBody('GALAPAGOS_ERR_INVALID_REQUEST', bounded(error.message)));
    },
  });

  // JSON only: a text body is answered 415, not parsed into a string that fails the schema.
  app.removeContentTypeParser('text/plain');

  let pool: EvaluationPool | undefined = options.pool;
  /** Bytes of evaluate bodies admitted and not answered yet, and each request's share. */
  let bytesInFlight = 0;
  const held = new WeakMap<FastifyRequest, number>();
  limitConnections(app.server, options.maxConnections);
  let closing = false;
  const startedAt = performance.now();
  const metrics = createMetrics(() => pool?.stats());
  const getPool = (): EvaluationPool => {
    if (!pool)
      throw new ServerError('GALAPAGOS_ERR_SHUTTING_DOWN', 'the worker pool is not running');
    return pool;
  };

  app.addHook('onReady', async () => {
    pool ??= await createEvaluationPool({
      threads: options.workers,
      maxQueue: options.maxQueue,
      niceIncrement: options.workerNice,
      problemModules: options.problemModules,
      ...(options.threadMemoryMb ? { threadMemoryMb: options.threadMemoryMb } : {}),
    });
  });
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Evaluations in flight finish before the pool closes, however the app is closed
  // (a listening server waits for its requests; inject and serverless callers do not).
  const inFlight = new Set<Promise<unknown>>();
  const evaluate: RouteContext['evaluate'] = (request, cancelled) => {
    const running = evaluateRequest(getPool(), options, metrics, request, cancelled);
    inFlight.add(running);
    void running.then(
      () => inFlight.delete(running),
      () => inFlight.delete(running),
    );
    return running;
  };
  app.addHook('onClose', async () => {
    await Promise.allSettled([...inFlight]);
    if (pool && pool !== options.pool) await pool.close();
  });

  const keyed = options.apiKeys.length > 0 ? apiKeyCheck(options.apiKeys) : () => true;
  const internal = options.internalToken;
  const authorised = (request: FastifyRequest) =>
    (internal !== undefined && request.headers[INTERNAL_HEADER] === internal) || keyed(request);
  app.addHook('onRequest', async (request, reply) => {
    if (closing) {
      reply.header('connection', 'close');
      throw new ServerError('GALAPAGOS_ERR_SHUTTING_DOWN', 'the server is shutting down');
    }
    const route = request.routeOptions.url ?? '';
    if (!(OPEN_ROUTES.has(route) || route.startsWith('/docs') || authorised(request))) {
      reply.header('www-authenticate', 'Bearer');
      throw new ServerError(
        'GALAPAGOS_ERR_UNAUTHORIZED',
        'a valid API key is required (Authorization: Bearer KEY or x-api-key: KEY)',
      );
    }
    // Bodies in flight are bounded: past the cap an evaluation is refused before its body is
    // read (one is always admitted). A body of unknown length counts as the largest allowed.
    if (route === '/v1/evaluate') {
      const declared = Number(request.headers['content-length']);
      const bytes = Number.isFinite(declared) && declared >= 0 ? declared : options.bodyLimit;
      if (bytesInFlight > 0 && bytesInFlight + bytes > options.maxBytesInFlight) {
        await discardBody(request, reply);
        throw new GalapagosError(
          'GALAPAGOS_ERR_OVERLOADED',
          `too many request bytes in flight (${bytesInFlight} + ${bytes}, limit ${options.maxBytesInFlight})`,
        );
      }
      bytesInFlight += bytes;
      held.set(request, bytes);
    }
    // A full pool refuses an evaluation before its body is read or parsed: under a burst,
    // memory holds only what can be worked on.
    if (route === '/v1/evaluate' && pool) {
      const stats = pool.stats();
      if (stats.busy === stats.threads && stats.queued >= stats.maxQueue) {
        await discardBody(request, reply);
        throw new GalapagosError(
          'GALAPAGOS_ERR_OVERLOADED',
          `evaluation queue is full (${stats.queued} chunks waiting, limit ${stats.maxQueue})`,
        );
      }
    }
  });
  // Replies finished during shutdown close their connection, so keep-alive clients cannot
  // hold the server open past its in-flight work.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  const release = async (request: FastifyRequest) => {
    const bytes = held.get(request);
    if (bytes === undefined) return;
    held.delete(request);
    bytesInFlight -= bytes;
  };
  app.addHook('onRequestAbort', release);
  app.addHook('onResponse', async (request, reply) => {
    await release(request);
    metrics.requests.inc({
      route: request.routeOptions.url ?? 'unmatched',
      method: request.method,
      status: String(reply.statusCode),
    });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { code, message } = classify(error);
    const body = errorBody(code, message);
    // Overload and shutdown are expected: counted in /metrics, logged without a stack.
    if (code === 'GALAPAGOS_ERR_OVERLOADED' || code === 'GALAPAGOS_ERR_SHUTTING_DOWN')
      request.log.debug({ code }, message);
    else if (body.statusCode >= 500) request.log.error({ err: error }, message);
    metrics.errors.inc({ code });
    const retryAfter = RETRY_AFTER_SECONDS[code];
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    return reply.status(STATUS_BY_CODE[code]).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    metrics.errors.inc({ code: 'GALAPAGOS_ERR_NOT_FOUND' });
    return reply
      .status(404)
      .send(
        errorBody(
          'GALAPAGOS_ERR_NOT_FOUND',
          `no route ${request.method} ${request.url.split('?')[0]}`,
        ),
      );
  });

  app.register(swagger, {
    openapi: {
      info: {
        title: 'Galápagos fitness server',
        version,
        description: 'Wire protocol v1: evaluate GA fitness on a worker-thread pool.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        },
      },
    },
  });
  if (options.docsUi) app.register(swaggerUi, { routePrefix: '/docs' });
  else
    app.register(async (scope) => {
      scope.get('/docs/json', { schema: { hide: true } }, async () => scope.swagger());
    });
  app.register(async (scope) =>
    registerRoutes(scope, {
      options,
      metrics,
      version,
      getPool,
      evaluate,
      uptime: () => (performance.now() - startedAt) / 1000,
    }),
  );
  return app;
}
