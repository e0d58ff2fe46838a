import type { InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { type EvaluateRequest, lambdaControlEvent, MAX_GENOMES_PER_REQUEST } from '@galapagos/core';
import { DEFAULT_LAMBDA_MEMORY_MB, type LambdaPricing, lambdaUsage } from '../cost.js';
import { EvaluationError, errorFromReply } from '../errors.js';
import { busyMsOf, fitnessOf, problemsOf } from './reply.js';
import type { Evaluator, TargetHealth } from './types.js';

export interface LambdaEvaluatorOptions {
  /** Function name, ARN or partial ARN. */
  readonly functionName: string;
  /** Version or alias. */
  readonly qualifier?: string;
  readonly region?: string;
  /** Another Invoke API, e.g. serverless-offline's `http://127.0.0.1:3002`. */
  readonly endpoint?: string;
  /** Largest request payload; synchronous invokes are capped at 6 MB. */
  readonly maxBatchBytes?: number;
  /** Price overrides, and the memory size to assume when invokes do not report it. */
  readonly pricing?: LambdaPricing;
}

/** The REPORT line Lambda ends every invocation's log with (`LogType: Tail`). */
const BILLED = /Billed Duration:\s*([\d.]+)\s*ms/;
const MEMORY = /Memory Size:\s*(\d+)\s*MB/;

/** Errors worth another attempt: throttling, service trouble, the function failing. */
const RETRYABLE = new Set([
  'TooManyRequestsException',
  'ServiceException',
  'EC2ThrottledException',
  'ResourceNotReadyException',
  'ResourceConflictException',
  'SnapStartNotReadyException',
  'SnapStartTimeoutException',
]);

/**
 * Evaluates by invoking a Lambda function directly (RequestResponse) with the evaluate request
 * as the event. Credentials come from the standard AWS chain (environment, profile, role),
 * never from the config file. The SDK does not retry (`maxAttempts: 1`): the dispatcher does,
 * so retries never multiply.
 */
export async function createLambdaEvaluator(options: LambdaEvaluatorOptions): Promise<Evaluator> {
  // Loaded on demand: only Lambda targets pay for the SDK.
  const { InvokeCommand, LambdaClient } = await import('@aws-sdk/client-lambda');
  const client = new LambdaClient({
    maxAttempts: 1,
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  const decoder = new TextDecoder();

  let [invokes, billedMs, gbSeconds, reported] = [0, 0, 0, true];
  /** Adds an answered invoke's billing: reported by Lambda, else the round trip measured here. */
  const bill = (result: InvokeCommandOutput, roundTripMs: number) => {
    const tail = result.LogResult ? Buffer.from(result.LogResult, 'base64').toString('utf8') : '';
    const billed = Number(BILLED.exec(tail)?.[1]);
    const memory = Number(MEMORY.exec(tail)?.[1]);
    const known = Number.isFinite(billed);
    reported &&= known;
    const ms = known ? billed : Math.ceil(roundTripMs);
    const mb = Number.isFinite(memory)
      ? memory
      : (options.pricing?.memoryMb ?? DEFAULT_LAMBDA_MEMORY_MB);
    invokes++;
    billedMs += ms;
    gbSeconds += (ms / 1000) * (mb / 1024);
  };
  const invoke = async (event: unknown, signal: AbortSignal): Promise<unknown> => {
    let result: InvokeCommandOutput;
    const sent = performance.now();
    try {
      result = await client.send(
        new InvokeCommand({
          FunctionName: options.functionName,
          ...(options.qualifier ? { Qualifier: options.qualifier } : {}),
          InvocationType: 'RequestResponse',
          // The log tail's REPORT line says what the invoke was billed.
          LogType: 'Tail',
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      if (signal.aborted) throw signal.reason ?? error;
      const e = error as {
        name?: string;
        message?: string;
        retryAfterSeconds?: string | number;
        $metadata?: { httpStatusCode?: number };
      };
      const name = e.name ?? 'Error';
      const retryAfter = Number(e.retryAfterSeconds);
      const status = e.$metadata?.httpStatusCode;
      const retryable = RETRYABLE.has(name) || status === undefined || status >= 500;
      throw new EvaluationError(
        name === 'TooManyRequestsException'
          ? 'GALAPAGOS_ERR_THROTTLED'
          : status === undefined
            ? 'GALAPAGOS_ERR_UNREACHABLE'
            : 'GALAPAGOS_ERR_LAMBDA',
        `${options.functionName}: ${name}: ${e.message ?? ''}`.trim(),
        {
          retryable,
          ...(status === undefined ? {} : { status }),
          ...(Number.isFinite(retryAfter) && retryAfter > 0
            ? { retryAfterMs: retryAfter * 1000 }
            : {}),
          cause: error,
        },
      );
    }
    bill(result, performance.now() - sent);
    const text = result.Payload ? decoder.decode(result.Payload) : '';
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      payload = text;
    }
    if (result.FunctionError) {
      const message = (payload as { errorMessage?: string } | null)?.errorMessage ?? text;
      throw new EvaluationError(
        'GALAPAGOS_ERR_FUNCTION_ERROR',
        `${options.functionName} failed (${result.FunctionError}): ${message}`,
        {
          retryable: true,
        },
      );
    }
    return payload;
  };

  let busyMs = 0;
  return {
    busyMs: () => busyMs,
    usage: () => lambdaUsage(invokes, billedMs, gbSeconds, options.pricing, reported),
    maxBatchBytes: options.maxBatchBytes ?? 5.5 * 1024 * 1024,
    maxBatchGenomes: MAX_GENOMES_PER_REQUEST,
    remote: true,
    async evaluate(request: EvaluateRequest, { signal }) {
      const reply = (await invoke(request, signal)) as {
        statusCode?: unknown;
        code?: unknown;
      } | null;
      if (reply && typeof reply.code === 'string' && typeof reply.statusCode === 'number')
        throw errorFromReply(reply.statusCode, reply, undefined);
      const fitness = fitnessOf(reply, request.genomes.length);
      busyMs += busyMsOf(reply);
      return fitness;
    },
    async problems(signal) {
      const where = `lambda:${options.functionName}`;
      const reply = (await invoke(lambdaControlEvent('problems'), signal)) as {
        statusCode?: unknown;
        code?: unknown;
      } | null;
      if (reply && typeof reply.code === 'string' && typeof reply.statusCode === 'number')
        throw errorFromReply(reply.statusCode, reply, undefined);
      return [{ where, problems: problemsOf(reply, where) }];
    },
    async health(): Promise<TargetHealth[]> {
      const where = `lambda:${options.functionName}${options.endpoint ? ` via ${options.endpoint}` : ''}`;
      const started = performance.now();
      try {
        const reply = (await invoke(lambdaControlEvent('warmup'), AbortSignal.timeout(30_000))) as {
          warm?: boolean;
        };
        return [{ where, ok: reply?.warm === true, latencyMs: performance.now() - started }];
      } catch (error) {
        return [{ where, ok: false, error: (error as Error).message }];
      }
    },
    async close() {
      client.destroy();
    },
  };
}
