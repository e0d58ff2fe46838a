/**
 * Suite `plan`: how close `galapagos plan`'s predicted wall time comes to the run it plans,
 * each a fresh CLI process, plan and run back to back (so both see the same machine), on an
 * embedded target, a local server the CLI starts (8 threads) and Lambda under serverless-offline. The target of the design is within
 * 20 %; the ratio is a wall-clock figure, so it is measured here and not asserted by a test.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '@galapagos/client';
// @ts-expect-error: plain ESM module shared with the deploy tests
import { startOffline } from '../../deploy/lambda/offline.mjs';
import { median, writeResult } from './report.js';

const cli = fileURLToPath(new URL('../../packages/cli/dist/galapagos.mjs', import.meta.url));
const REPEATS = 3;
/** The cold start `plan` adds for Lambda; a warm emulator has none to wait for. */
const LAMBDA_COLD_START_MS = 250;

const RUN = {
  problem: 'sphere',
  population: 24,
  generations: 8,
  seed: 2,
  cost: { ms: 60, mode: 'sleep' },
} as const;

interface Pair {
  readonly predictedMs: number;
  readonly runMs: number;
  readonly ratio: number;
}

async function cliJson(args: string[], env: NodeJS.ProcessEnv) {
  const { stdout } = await promisify(execFile)(process.execPath, [cli, ...args], {
    env: { ...process.env, GALAPAGOS_LOG_LEVEL: 'warn', ...env },
    maxBuffer: 1 << 26,
  });
  return JSON.parse(stdout) as { wallMs: number; elapsedMs: number };
}

async function pairs(
  config: string,
  target: string,
  coldStartMs: number,
  env: NodeJS.ProcessEnv = {},
): Promise<Pair[]> {
  const out: Pair[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const plan = await cliJson(['plan', '--config', config, '--target', target, '--json'], env);
    const run = await cliJson(['run', '--config', config, '--target', target, '--json'], env);
    const predictedMs = plan.wallMs - coldStartMs;
    out.push({ predictedMs, runMs: run.elapsedMs, ratio: predictedMs / run.elapsedMs });
  }
  return out;
}

export async function planSuite(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'galapagos-bench-plan-'));
  const offline = await startOffline();
  try {
    const config = join(dir, 'galapagos.config.json');
    await writeFile(
      config,
      JSON.stringify({
        run: RUN,
        dispatch: { concurrency: 6, speculate: false },
        targets: {
          embedded: { type: 'embedded' },
          local: {
            type: 'http',
            url: `http://127.0.0.1:${await freePort()}`,
            spawn: { workers: 8 },
          },
          lambda: {
            type: 'lambda',
            function: offline.functionName,
            region: 'eu-west-1',
            endpoint: offline.invoke,
          },
        },
      }),
    );
    const credentials = {
      AWS_ACCESS_KEY_ID: 'offline',
      AWS_SECRET_ACCESS_KEY: 'offline',
      AWS_REGION: 'eu-west-1',
    };
    const figures = {
      embedded: await pairs(config, 'embedded', 0),
      local: await pairs(config, 'local', 0),
      lambda: await pairs(config, 'lambda', LAMBDA_COLD_START_MS, credentials),
    };
    const row = (p: Pair[]) => ({
      'median predicted ms': median(p.map((x) => x.predictedMs)).toFixed(0),
      'median run ms': median(p.map((x) => x.runMs)).toFixed(0),
      'median ratio': median(p.map((x) => x.ratio)).toFixed(3),
      'worst ratio': p
        .map((x) => x.ratio)
        .reduce((a, b) => (Math.abs(b - 1) > Math.abs(a - 1) ? b : a))
        .toFixed(3),
    });
    console.table({
      embedded: row(figures.embedded),
      'local server (8 threads)': row(figures.local),
      'Lambda (serverless-offline, less the assumed cold start)': row(figures.lambda),
    });
    console.log(`wrote ${writeResult('plan', { run: RUN, repeats: REPEATS }, figures)}`);
  } finally {
    await offline.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
