// `galapagos run --target azure` against the handler behind a local Functions-host stand-in.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createEmbeddedEvaluator, createHttpEvaluator, runEvolution } from '@galapagos/client';
import { referenceExperiment } from '@galapagos/core';
import { azureApp, handler } from '@galapagos/server/azure';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  frontOutcome,
  multiObjectiveRun,
  outcome,
  testDispatch,
} from '../../../packages/core/test-fixtures/adapters.mjs';
import { functionsShim } from './shim.js';

const cli = fileURLToPath(new URL('../../../packages/cli/dist/galapagos.mjs', import.meta.url));
const run = referenceExperiment({
  params: { length: 20 },
  population: 30,
  generations: 6,
  seed: 5,
});
const dispatch = testDispatch({ concurrency: 4, retries: 4 });

let shim: Awaited<ReturnType<typeof functionsShim>>;
let dir: string;
beforeAll(async () => {
  process.env.GALAPAGOS_LOG_LEVEL = 'silent';
  shim = await functionsShim(handler, 'function-key-1');
  dir = await mkdtemp(join(tmpdir(), 'galapagos-azure-e2e-'));
});
afterAll(async () => {
  await shim.close();
  await azureApp.close();
  await rm(dir, { recursive: true, force: true });
});

describe('azure target', () => {
  it('gives the same run as the local target, with the function key from the environment', async () => {
    const embedded = await createEmbeddedEvaluator({ threads: 2 });
    const reference = await runEvolution({ run, dispatch, evaluator: embedded });
    await embedded.close();
    const config = join(dir, 'galapagos.config.json');
    await writeFile(
      config,
      JSON.stringify({
        run,
        dispatch,
        targets: {
          azure: {
            type: 'http',
            url: shim.url,
            headers: { 'x-functions-key': { env: 'GALAPAGOS_AZURE_FUNCTION_KEY' } },
          },
        },
      }),
    );
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cli, 'run', '--config', config, '--target', 'azure', '--json'],
      {
        env: { ...process.env, GALAPAGOS_AZURE_FUNCTION_KEY: 'function-key-1' },
      },
    );
    expect(outcome(JSON.parse(stdout))).toBe(outcome(reference));
  });

  it('carries fitness vectors: an NSGA-II run gives the front of the embedded run', async () => {
    const multi = multiObjectiveRun();
    const embedded = await createEmbeddedEvaluator({ threads: 2 });
    const reference = await runEvolution({ run: multi, dispatch, evaluator: embedded });
    await embedded.close();
    const evaluator = createHttpEvaluator({
      urls: [shim.url],
      headers: { 'x-functions-key': 'function-key-1' },
      connections: 4,
    });
    try {
      const result = await runEvolution({ run: multi, dispatch, evaluator });
      expect(result.hallOfFame.length).toBeGreaterThan(0);
      expect(frontOutcome(result)).toBe(frontOutcome(reference));
    } finally {
      await evaluator.close();
    }
  });

  it('is refused without the function key', async () => {
    const reply = await fetch(`${shim.url}/health`);
    expect(reply.status).toBe(401);
  });
});
