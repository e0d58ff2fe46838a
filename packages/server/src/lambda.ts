/**
 * AWS Lambda entry: the same app, wrapped with serverless-http for API Gateway (REST v1, HTTP
 * API v2) and Function URL events, built once per container. The handler also takes direct
 * invokes whose event is an evaluate request body, answering `{ fitness, ... }` or a coded
 * error object as the evaluate route does (a valid one straight from the pool, any other
 * through the route: see evaluateDirect).
 */
import { randomUUID } from 'node:crypto';
import { type EvaluateRequest, EvaluateRequestSchema } from '@galapagos/core';
import serverless from 'serverless-http';
import Value from 'typebox/value';
import { INTERNAL_HEADER } from './app.js';
import { deployedApp } from './deployed.js';
import { answerError } from './plugins/errors.js';

/**
 * API keys from an SSM SecureString named by GALAPAGOS_API_KEYS_SSM (comma-separated keys),
 * read once per container, so keys never sit in the template or the function's environment.
 */
async function apiKeysFromSsm(name: string | undefined): Promise<string[] | undefined> {
  if (!name) return undefined;
  // The AWS SDK ships with the Lambda runtime; it is not bundled.
  const sdk = '@aws-sdk/client-ssm';
  const { SSMClient, GetParameterCommand } = (await import(sdk)) as {
    SSMClient: new () => { send(command: unknown): Promise<{ Parameter?: { Value?: string } }> };
    GetParameterCommand: new (input: { Name: string; WithDecryption: boolean }) => unknown;
  };
  const reply = await new SSMClient().send(
    new GetParameterCommand({ Name: name, WithDecryption: true }),
  );
  return (reply.Parameter?.Value ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
}

const internalToken = randomUUID();
const apiKeys = await apiKeysFromSsm(process.env.GALAPAGOS_API_KEYS_SSM);
const app = deployedApp(import.meta.url, { internalToken, ...(apiKeys ? { apiKeys } : {}) });
const ready = app.ready();
const http = serverless(app.server);

type Event = Record<string, unknown> | null | undefined;

const isHttpEvent = (event: Event): boolean =>
  !!event && ('requestContext' in event || 'httpMethod' in event || 'rawPath' in event);
const isWarmUp = (event: Event): boolean =>
  !!event && (event.source === 'aws.events' || event.source === 'galapagos.warmup');
/** The client asks which problems (and fingerprints) the function serves. */
const isProblemsQuery = (event: Event): boolean => !!event && event.source === 'galapagos.problems';

/**
 * The Lambda handler: HTTP events, direct-invoke evaluate requests, warm-up pings and
 * problem-list queries (`{ "source": "galapagos.problems" }`).
 */
export async function handler(event: Event, context: object): Promise<unknown> {
  await ready;
  if (isHttpEvent(event)) return http(event as object, context);
  if (isWarmUp(event)) return { warm: true };
  if (isProblemsQuery(event)) {
    const reply = await app.inject({
      method: 'GET',
      url: '/v1/problems',
      headers: { [INTERNAL_HEADER]: internalToken },
    });
    return reply.json();
  }
  return evaluateDirect(event);
}

/**
 * A direct invoke's evaluate request. One that TypeBox's checker finds valid (defaults filled,
 * as the route's validation fills them) goes to the pool as the route would send it, its
 * errors answered with the route's coded bodies: a cold start then compiles no schema. Any
 * other goes through the route itself, whose validation words the refusal exactly as HTTP
 * callers get it.
 */
async function evaluateDirect(event: Event): Promise<unknown> {
  if (event && typeof event === 'object') {
    const request = Value.Default(EvaluateRequestSchema, event);
    if (Value.Check(EvaluateRequestSchema, request))
      try {
        return await app.pool.evaluate(request as EvaluateRequest);
      } catch (error) {
        return answerError(app, error).body;
      }
  }
  const reply = await app.inject({
    method: 'POST',
    url: '/v1/evaluate',
    headers: { 'content-type': 'application/json', [INTERNAL_HEADER]: internalToken },
    payload: JSON.stringify(event ?? null),
  });
  return reply.json();
}
