/**
 * The evaluation targets the reference and overhead suites compare, each opened the way a user
 * would run it, and closed after.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  createEmbeddedEvaluator,
  createHttpEvaluator,
  createLambdaEvaluator,
  type DispatchConfig,
  type Evaluator,
  type LocalServer,
  type RunConfig,
  type RunResult,
  runEvolution,
} from '@galapagos/client';
import { startServer } from '@galapagos/server';
// @ts-expect-error: plain ESM modules shared with the tests
import { containerEngine, docker } from '../../deploy/docker/engine.mjs';
// @ts-expect-error: plain ESM modules shared with the tests
import { startOffline } from '../../deploy/lambda/offline.mjs';

import { type CliRun, cliRun } from './fresh-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Variant {
  readonly name: string;
  readonly dispatch: Partial<DispatchConfig>;
  readonly evaluator: Evaluator;
  /** The config file's target that has `galapagos run` evaluate the same way, if any. */
  readonly target?: Record<string, unknown>;
}

export interface Targets {
  /** The variants, opened; a target that cannot run here is left out with a note. */
  readonly variants: Variant[];
  readonly notes: string[];
  close(): Promise<void>;
}

/**
 * Opens every target: a local server (sequential, one genome per request, batched), the
 * embedded pool, a container (when an engine is available) and Lambda under
 * serverless-offline. `workers` sizes every pool (the reference needs one per individual).
 */
export async function openTargets(
  workers: number,
  options: { docker: boolean; lambda: boolean; population: number },
): Promise<Targets> {
  const closers: (() => Promise<void>)[] = [];
  const variants: Variant[] = [];
  const notes: string[] = [];
  const server: LocalServer = await startServer({ workers });
  closers.push(() => server.stop());
  const local = { type: 'http', url: server.url };
  const http = (capacity?: number) => {
    const evaluator = createHttpEvaluator({
      urls: [server.url],
      connections: 64,
      ...(capacity ? { capacity } : {}),
    });
    closers.push(() => evaluator.close());
    return evaluator;
  };
  variants.push({
    name: 'sequential (batch 1, concurrency 1)',
    dispatch: { batchSize: 1, concurrency: 1 },
    evaluator: http(),
    target: local,
  });
  variants.push({
    name: 'async, one genome per request',
    dispatch: { batchSize: 1, concurrency: options.population },
    evaluator: http(),
    target: local,
  });
  variants.push({
    name: 'async batched (auto)',
    dispatch: { batchSize: 'auto', concurrency: 32 },
    evaluator: http(workers),
    target: local,
  });
  const embedded = await createEmbeddedEvaluator({ threads: workers });
  closers.push(() => embedded.close());
  variants.push({
    name: 'embedded',
    dispatch: { batchSize: 'auto', concurrency: 32 },
    evaluator: embedded,
    target: { type: 'embedded', workers },
  });

  if (options.docker) {
    const engine = await containerEngine(() => {});
    if (engine.skip) notes.push(`docker: skipped (${engine.skip})`);
    else {
      closers.push(() => engine.stop());
      docker(engine, [
        'build',
        '-f',
        `${root}deploy/docker/Dockerfile`,
        '-t',
        'galapagos-server:bench',
        root,
      ]);
      const { freePort } = await import('@galapagos/client');
      const port = await freePort();
      const id = docker(engine, [
        'run',
        '-d',
        '--rm',
        '-e',
        `GALAPAGOS_WORKERS=${workers}`,
        '-p',
        `127.0.0.1:${port}:8080`,
        'galapagos-server:bench',
      ]);
      closers.push(async () => {
        docker(engine, ['stop', id]);
      });
      for (let i = 0; i < 300; i++) {
        try {
          if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
        } catch {}
        await sleep(100);
      }
      const evaluator = createHttpEvaluator({
        urls: [`http://127.0.0.1:${port}`],
        connections: 64,
        capacity: workers,
      });
      closers.push(() => evaluator.close());
      variants.push({
        name: 'docker container (auto)',
        dispatch: { batchSize: 'auto', concurrency: 32 },
        evaluator,
        target: { type: 'http', url: `http://127.0.0.1:${port}` },
      });
    }
  }
  if (options.lambda) {
    const offline = await startOffline();
    closers.push(() => offline.stop());
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'offline', AWS_SECRET_ACCESS_KEY: 'offline' });
    const evaluator = await createLambdaEvaluator({
      functionName: offline.functionName,
      region: 'eu-west-1',
      endpoint: offline.invoke,
    });
    closers.push(() => evaluator.close());
    // serverless-offline runs each concurrent invoke in a thread of its own: keep it modest.
    variants.push({
      name: 'lambda, serverless-offline (auto)',
      dispatch: { batchSize: 'auto', concurrency: 10 },
      evaluator,
      target: {
        type: 'lambda',
        function: offline.functionName,
        region: 'eu-west-1',
        endpoint: offline.invoke,
      },
    });
  }
  return {
    variants,
    notes,
    close: async () => {
      for (const close of closers.reverse()) await close().catch(() => {});
    },
  };
}

/** The dispatch settings of a variant's runs (no cache: every evaluation is sent). */
const dispatchOf = (variant: Variant): DispatchConfig => ({
  batchSize: 'auto',
  concurrency: 32,
  timeoutMs: 600_000,
  retries: 4,
  cache: false,
  ...variant.dispatch,
});

/** Runs `run` on a variant `times` times in this process. */
export async function runVariant(
  variant: Variant,
  run: RunConfig,
  times: number,
): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (let r = 0; r < times; r++)
    results.push(
      await runEvolution({ run, dispatch: dispatchOf(variant), evaluator: variant.evaluator }),
    );
  return results;
}

/** Runs `run` on a variant `times` times, each a fresh `galapagos run` process. */
export async function runVariantCli(
  variant: Variant & { readonly target: Record<string, unknown> },
  run: RunConfig,
  times: number,
): Promise<CliRun[]> {
  const config = { run, dispatch: dispatchOf(variant), targets: { bench: variant.target } };
  const results: CliRun[] = [];
  for (let r = 0; r < times; r++) results.push(await cliRun(config, 'bench'));
  return results;
}
