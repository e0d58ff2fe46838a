// End to end under serverless-offline: direct invokes (Lambda Invoke API) and the HTTP API.

import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  createEmbeddedEvaluator,
  createHttpEvaluator,
  createLambdaEvaluator,
  type DispatchConfig,
  type RunConfig,
  runEvolution,
} from '@galapagos/client';
import { referenceExperiment } from '@galapagos/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  frontOutcome,
  multiObjectiveRun,
  outcome,
  testDispatch,
} from '../../../packages/core/test-fixtures/adapters.mjs';
import { cli, type startOffline, startOfflineWithCredentials } from './helpers.js';

const FUNCTION = 'galapagos-dev-evaluate';
const run: RunConfig = referenceExperiment({
  params: { length: 16 },
  population: 24,
  generations: 5,
  seed: 11,
});
// Modest concurrency: serverless-offline starts a worker thread per concurrent invoke.
const dispatch: DispatchConfig = testDispatch({ concurrency: 3, retries: 6 });

let offline: Awaited<ReturnType<typeof startOffline>>;
let reference: Awaited<ReturnType<typeof runEvolution>>;

beforeAll(async () => {
  offline = await startOfflineWithCredentials();
  const embedded = await createEmbeddedEvaluator({ threads: 2 });
  reference = await runEvolution({ run, dispatch, evaluator: embedded });
  await embedded.close();
});
afterAll(() => offline?.stop());

/** A proxy in front of the Invoke API that answers the n-th invoke itself. */
async function invokeProxy(
  upstream: string,
  fault: (n: number) => 'pass' | 'throttle' | 'function-error',
) {
  let n = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const action = fault(++n);
    if (action === 'throttle') {
      res.writeHead(429, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'TooManyRequestsException',
      });
      res.end(
        JSON.stringify({
          Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
          Type: 'User',
          message: 'Rate Exceeded.',
          retryAfterSeconds: '1',
        }),
      );
      return;
    }
    if (action === 'function-error') {
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-amz-function-error': 'Unhandled',
      });
      res.end(
        JSON.stringify({
          errorType: 'Runtime.ExitError',
          errorMessage: 'RequestId: x Error: Runtime exited with error: signal: killed',
        }),
      );
      return;
    }
    const reply = await fetch(upstream + req.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.concat(chunks),
    });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const fnError = reply.headers.get('x-amz-function-error');
    if (fnError) headers['x-amz-function-error'] = fnError;
    res.writeHead(reply.status, headers);
    res.end(Buffer.from(await reply.arrayBuffer()));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise((r) => server.close(r)),
  };
}

describe('under serverless-offline', () => {
  it('direct invokes give the same run as the local target', async () => {
    const evaluator = await createLambdaEvaluator({
      functionName: FUNCTION,
      endpoint: offline.invoke,
      region: 'eu-west-1',
    });
    try {
      const result = await runEvolution({ run, dispatch, evaluator });
      expect(outcome(result)).toBe(outcome(reference));
    } finally {
      await evaluator.close();
    }
  });

  it('carries fitness vectors: an NSGA-II run gives the front of the embedded run', async () => {
    const multi = multiObjectiveRun();
    const embedded = await createEmbeddedEvaluator({ threads: 2 });
    const local = await runEvolution({ run: multi, dispatch, evaluator: embedded });
    await embedded.close();
    const evaluator = await createLambdaEvaluator({
      functionName: FUNCTION,
      endpoint: offline.invoke,
      region: 'eu-west-1',
    });
    try {
      const result = await runEvolution({ run: multi, dispatch, evaluator });
      expect(result.hypervolume).toBeGreaterThan(0);
      expect(frontOutcome(result)).toBe(frontOutcome(local));
    } finally {
      await evaluator.close();
    }
  });

  it('the offline HTTP API gives the same run too', async () => {
    const evaluator = createHttpEvaluator({ urls: [offline.http], connections: 3 });
    try {
      expect(outcome(await runEvolution({ run, dispatch, evaluator }))).toBe(outcome(reference));
    } finally {
      await evaluator.close();
    }
  });

  it('galapagos run --target lambda works from a config file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'galapagos-lambda-'));
    try {
      const config = join(dir, 'galapagos.config.json');
      await writeFile(
        config,
        JSON.stringify({
          run,
          dispatch,
          targets: {
            lambda: {
              type: 'lambda',
              function: FUNCTION,
              region: 'eu-west-1',
              endpoint: offline.invoke,
            },
          },
        }),
      );
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [cli, 'run', '--config', config, '--target', 'lambda', '--json'],
        { env: process.env },
      );
      expect(outcome(JSON.parse(stdout))).toBe(outcome(reference));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('surfaces the coded error of a direct invoke for an unknown problem', async () => {
    const evaluator = await createLambdaEvaluator({
      functionName: FUNCTION,
      endpoint: offline.invoke,
      region: 'eu-west-1',
    });
    try {
      await expect(
        evaluator.evaluate(
          { problem: 'nope', genomes: ['0'] },
          { signal: AbortSignal.timeout(30_000) },
        ),
      ).rejects.toMatchObject({
        code: 'GALAPAGOS_ERR_UNKNOWN_PROBLEM',
        status: 404,
        retryable: false,
      });
    } finally {
      await evaluator.close();
    }
  });

  it('retries a throttled invoke (429, honouring retryAfterSeconds) and a function error', async () => {
    const proxy = await invokeProxy(offline.invoke, (n) =>
      n === 2 ? 'throttle' : n === 4 ? 'function-error' : 'pass',
    );
    const evaluator = await createLambdaEvaluator({
      functionName: FUNCTION,
      endpoint: proxy.url,
      region: 'eu-west-1',
    });
    try {
      const started = performance.now();
      const result = await runEvolution({ run, dispatch, evaluator });
      expect(outcome(result)).toBe(outcome(reference));
      expect(result.retries).toBe(2);
      expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    } finally {
      await evaluator.close();
      await proxy.close();
    }
  });
});
