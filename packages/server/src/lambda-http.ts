/**
 * The Lambda entry's HTTP side, imported the first time an event needs it (see `lambda.ts`):
 * the app over the entry's own pool and metrics, API keys read from SSM, serverless-http for
 * API Gateway (REST v1, HTTP API v2) and Function URL events.
 */
import type { EvaluationPool } from '@galapagos/core/runtime';
import serverless from 'serverless-http';
import { buildApp, INTERNAL_HEADER } from './app.js';
import type { Metrics } from './metrics.js';
import type { ServerOptions } from './options.js';
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

/** What the entry shares with the app: its options, pool and metrics. */
export interface Shared {
  readonly options: ServerOptions;
  readonly pool: EvaluationPool;
  readonly metrics: Metrics;
}

export interface LambdaHttp {
  /** An API Gateway or Function URL event, answered by the app. */
  http(event: object, context: object): Promise<unknown>;
  /** A request through a route as an internal caller (no API key), its JSON reply. */
  route(method: 'GET' | 'POST', url: string, body?: unknown): Promise<unknown>;
  /** The coded error body the routes answer for this error, logged and counted as there. */
  errorBody(error: unknown): unknown;
}

export async function lambdaHttp({ options, pool, metrics }: Shared): Promise<LambdaHttp> {
  const internalToken = crypto.randomUUID();
  const apiKeys = await apiKeysFromSsm(process.env.GALAPAGOS_API_KEYS_SSM);
  const app = buildApp({
    ...options,
    pool,
    metrics,
    internalToken,
    ...(apiKeys ? { apiKeys } : {}),
  });
  await app.ready();
  const http = serverless(app.server);
  return {
    http: (event, context) => http(event, context),
    async route(method, url, body) {
      const reply = await app.inject({
        method,
        url,
        headers: { 'content-type': 'application/json', [INTERNAL_HEADER]: internalToken },
        ...(method === 'POST' ? { payload: JSON.stringify(body ?? null) } : {}),
      });
      return reply.json();
    },
    errorBody: (error) => answerError(app, error).body,
  };
}
