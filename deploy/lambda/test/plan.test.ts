// galapagos plan against Lambda under serverless-offline: the predicted wall time of a run
// must be within 20 % of the run's, and the plan must say what it assumes.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, type startOffline, startOfflineWithCredentials } from './helpers.js';

let offline: Awaited<ReturnType<typeof startOffline>>;

beforeAll(async () => {
  offline = await startOfflineWithCredentials();
});
afterAll(() => offline?.stop());

const cliJson = async (args: string[]) =>
  JSON.parse(
    (await promisify(execFile)(process.execPath, [cli, ...args], { env: process.env })).stdout,
  );

describe('galapagos plan on Lambda (serverless-offline)', () => {
  it('predicts the wall time within 20 %, and states its assumptions and cost', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'galapagos-plan-'));
    const config = join(dir, 'galapagos.config.json');
    await writeFile(
      config,
      JSON.stringify({
        run: {
          problem: 'sphere',
          population: 24,
          generations: 8,
          seed: 2,
          cost: { ms: 60, mode: 'sleep' },
        },
        dispatch: { concurrency: 6, speculate: false },
        targets: {
          lambda: {
            type: 'lambda',
            function: 'galapagos-dev-evaluate',
            region: 'eu-west-1',
            endpoint: offline.invoke,
          },
        },
      }),
    );
    const plan = await cliJson(['plan', '--config', config, '--json']);
    const run = await cliJson(['run', '--config', config, '--json']);
    expect(plan).toMatchObject({ ok: true, target: 'lambda', generations: 8 });
    expect(plan.lambdaConcurrency).toBe(6);
    expect(plan.usd).toBeGreaterThan(0);
    expect(plan.assumptions.join('\n')).toMatch(/account concurrency of 1000/);
    expect(plan.assumptions.join('\n')).toMatch(/1000 environments per 10 s/);
    expect(plan.assumptions.join('\n')).toMatch(/cold start/);
    // The run here is warm and has no cold start to wait for: compare without the assumed one.
    const predicted = plan.wallMs - 250;
    const ratio = predicted / run.elapsedMs;
    expect(
      ratio,
      `plan ${predicted.toFixed(0)} ms, run ${run.elapsedMs.toFixed(0)} ms`,
    ).toBeGreaterThan(0.8);
    expect(
      ratio,
      `plan ${predicted.toFixed(0)} ms, run ${run.elapsedMs.toFixed(0)} ms`,
    ).toBeLessThan(1.2);
  });
});
