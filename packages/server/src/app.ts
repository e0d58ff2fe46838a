import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { isGalapagosError } from '@galapagos/core';
import { createEvaluationPool, type EvaluationPool } from '@galapagos/core/runtime';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { createAdmission } from './admission.js';
import { apiKeyCheck } from './auth.js';
import { limitConnections } from './connections.js';
import {
  bounded,
  errorBody,
  RETRY_AFTER_SECONDS,
  type ReplyCode,
  ServerError,
  STATUS_BY_CODE,
} from './errors.js';
import { evaluateRequest } from './evaluation.js';
import { createMetrics } from './metrics.js';
import { defaultOptions, type ServerOptions } from './options.js';
import { answerParserError } from './parser-errors.js';
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
    clientErrorHandler: answerParserError,
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
  limitConnections(app.server, options.maxConnections);
  let closing = false;
  const startedAt = performance.now();
  const metrics = createMetrics(() => pool?.stats());
  const admission = createAdmission(options, () => pool?.stats());
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
    if (route === '/v1/evaluate') await admission.admit(request, reply);
  });
  // Replies finished during shutdown close their connection, so keep-alive clients cannot
  // hold the server open past its in-flight work.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  app.addHook('onRequestAbort', async (request) => admission.release(request));
  app.addHook('onResponse', async (request, reply) => {
    admission.release(request);
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
