/**
 * Every error as a coded JSON reply `{ statusCode, code, error, message }`: route and Fastify
 * errors classified, unknown routes answered 404, each counted in the metrics.
 */
import { isGalapagosError } from '@galapagos/core';
import type { FastifyBaseLogger, FastifyError, FastifyInstance } from 'fastify';
import plugin from 'fastify-plugin';
import {
  bounded,
  errorBody,
  RETRY_AFTER_SECONDS,
  type ReplyCode,
  ServerError,
  STATUS_BY_CODE,
} from '../errors.js';

const FASTIFY_CODES: Record<string, ReplyCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'GALAPAGOS_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'GALAPAGOS_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'GALAPAGOS_ERR_INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'GALAPAGOS_ERR_INVALID_JSON',
};

/** The code and public message of any error a route, Fastify or a direct invoke raised. */
export function classify(error: FastifyError): { code: ReplyCode; message: string } {
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
 * The coded body for an error, logged and counted as the error handler does: for the handler,
 * and for direct invokes that reach the pool without a route (see `lambda.ts`).
 */
export function answerError(
  app: FastifyInstance,
  error: unknown,
  log: FastifyBaseLogger = app.log,
): { code: ReplyCode; body: ReturnType<typeof errorBody> } {
  const { code, message } = classify(error as FastifyError);
  const body = errorBody(code, message);
  // Overload and shutdown are expected: counted in /metrics, logged without a stack.
  if (code === 'GALAPAGOS_ERR_OVERLOADED' || code === 'GALAPAGOS_ERR_SHUTTING_DOWN')
    log.debug({ code }, message);
  else if (body.statusCode >= 500) log.error({ err: error }, message);
  app.metrics.errors.inc({ code });
  return { code, body };
}

export const errorsPlugin = plugin(
  async (app) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const { code, body } = answerError(app, error, request.log);
      const retryAfter = RETRY_AFTER_SECONDS[code];
      if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
      return reply.status(STATUS_BY_CODE[code]).send(body);
    });
    app.setNotFoundHandler((request, reply) => {
      app.metrics.errors.inc({ code: 'GALAPAGOS_ERR_NOT_FOUND' });
      return reply
        .status(404)
        .send(
          errorBody(
            'GALAPAGOS_ERR_NOT_FOUND',
            `no route ${request.method} ${request.url.split('?')[0]}`,
          ),
        );
    });
  },
  { name: 'galapagos-errors', dependencies: ['galapagos-metrics'] },
);
