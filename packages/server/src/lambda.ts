/**
 * AWS Lambda entry. Direct invokes (evaluate requests, problem-list queries, warm-up pings)
 * are answered from the worker pool without the HTTP app: a cold start loads the engine, the
 * wire schema and the pool, a fifth of the bundle. The app (Fastify under serverless-http, see
 * `lambda-http.ts`, a separate chunk of the bundle) is imported and built the first time an
 * HTTP event, a request the schema refuses or an error needs it, over the same pool and
 * metrics, and answers exactly as the evaluate route does.
 */
import { type EvaluateRequest, EvaluateRequestSchema, LAMBDA_EVENT_SOURCES } from '@galapagos/core';
import Value from 'typebox/value';
import { deployedOptions } from './deployed.js';
import { evaluateRequest } from './evaluation.js';
import type { LambdaHttp } from './lambda-http.js';
import { createMetrics } from './metrics.js';
import { startServerPool } from './server-pool.js';

const options = deployedOptions(import.meta.url);
// A problem module that cannot load fails the function's init, with its message.
const pool = await startServerPool(options);
const metrics = createMetrics(() => pool.stats());

let loading: Promise<LambdaHttp> | undefined;
/** The HTTP side, built once; tried again on the next event if building it failed. */
function httpSide(): Promise<LambdaHttp> {
  loading ??= import('./lambda-http.js')
    .then(({ lambdaHttp }) => lambdaHttp({ options, pool, metrics }))
    .catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
  return loading;
}

type Event = Record<string, unknown> | null | undefined;

const isHttpEvent = (event: Event): boolean =>
  !!event && ('requestContext' in event || 'httpMethod' in event || 'rawPath' in event);
const isWarmUp = (event: Event): boolean =>
  !!event &&
  (event.source === LAMBDA_EVENT_SOURCES.schedule || event.source === LAMBDA_EVENT_SOURCES.warmup);
/** The client asks which problems (and fingerprints) the function serves. */
const isProblemsQuery = (event: Event): boolean =>
  !!event && event.source === LAMBDA_EVENT_SOURCES.problems;

let problems: { problems: unknown } | undefined;

/**
 * The Lambda handler: HTTP events, direct-invoke evaluate requests, warm-up pings and
 * problem-list queries (`{ "source": "galapagos.problems" }`).
 */
export async function handler(event: Event, context: object): Promise<unknown> {
  if (isHttpEvent(event)) return (await httpSide()).http(event as object, context);
  if (isWarmUp(event)) return { warm: true };
  // The `/v1/problems` route's reply (its schema has every field of a summary).
  if (isProblemsQuery(event)) {
    problems ??= { problems: pool.registry.summaries() };
    return problems;
  }
  return evaluateDirect(event);
}

/**
 * A direct invoke's evaluate request. One that TypeBox's checker finds valid (defaults filled,
 * as the route's validation fills them) is evaluated as the route would evaluate it, its errors
 * answered with the route's coded bodies. Any other goes through the route itself, whose
 * validation words the refusal exactly as HTTP callers get it.
 */
async function evaluateDirect(event: Event): Promise<unknown> {
  if (event && typeof event === 'object') {
    const request = Value.Default(EvaluateRequestSchema, event);
    if (Value.Check(EvaluateRequestSchema, request))
      try {
        return await evaluateRequest(pool, options, metrics, request as EvaluateRequest);
      } catch (error) {
        return (await httpSide()).errorBody(error);
      }
  }
  return (await httpSide()).route('POST', '/v1/evaluate', event ?? null);
}
