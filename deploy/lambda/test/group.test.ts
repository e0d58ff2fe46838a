// A group target under serverless-offline: a local server first, Lambda for the overflow, as
// `galapagos run --target both` runs it. Both members must get batches, the logbook must be
// the embedded one, and killing the local server mid-run must not change it.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  createEmbeddedEvaluator,
  type LocalServer,
  type RunConfig,
  runEvolution,
} from '@galapagos/client';
import { referenceExperiment } from '@galapagos/core';
import { startServer } from '@galapagos/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcome, testDispatch } from '../../../packages/core/test-fixtures/adapters.mjs';
import { cli, type startOffline, startOfflineWithCredentials } from './helpers.js';

const run: RunConfig = {
  ...referenceExperiment({ params: { length: 16 }, population: 24, generations: 6, seed: 4 }),
  cost: { ms: 40, mode: 'sleep' },
};
// serverless-offline starts a thread per concurrent invoke: a modest concurrency.
const dispatch = { ...testDispatch({ concurrency: 6, retries: 6 }), speculate: false };

let offline: Awaited<ReturnType<typeof startOffline>>;
let expected: string;

beforeAll(async () => {
  offline = await startOfflineWithCredentials();
  const embedded = await createEmbeddedEvaluator({ threads: 2 });
  expected = outcome(await runEvolution({ run, dispatch, evaluator: embedded }));
  await embedded.close();
});
afterAll(() => offline?.stop());

async function config(server: LocalServer) {
  const dir = await mkdtemp(join(tmpdir(), 'galapagos-group-'));
  const file = join(dir, 'galapagos.config.json');
  await writeFile(
    file,
    JSON.stringify({
      run,
      dispatch,
      targets: {
        local: { type: 'http', url: server.url },
        lambda: {
          type: 'lambda',
          function: 'galapagos-dev-evaluate',
          region: 'eu-west-1',
          endpoint: offline.invoke,
        },
        both: { type: 'group', members: ['local', 'lambda'] },
      },
    }),
  );
  return file;
}

/** The local server's count of evaluations (its Prometheus metrics). */
const evaluated = async (server: LocalServer) =>
  Number(
    /galapagos_evaluations_total\{problem="onemax"\} (\d+)/.exec(
      await (await fetch(`${server.url}/metrics`)).text(),
    )?.[1] ?? 0,
  );

interface Usage {
  requests: number;
  computeSeconds: number;
  gbSeconds?: number;
  usd: number;
  basis: string;
}
interface GroupResult {
  logbook: unknown;
  best: unknown;
  cost: Usage & { members: Record<string, Usage> };
  members: { name: string; batches: number; genomes: number; failures: number }[];
}

describe('a group of a local server and Lambda (serverless-offline)', () => {
  it('fills the local threads first, sends the overflow to Lambda, and gives the embedded logbook', async () => {
    const server = await startServer({ threads: 2 });
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [cli, 'run', '--config', await config(server), '--target', 'both', '--json'],
        { env: process.env },
      );
      const result = JSON.parse(stdout) as GroupResult;
      expect(outcome(result)).toBe(expected);
      const [local, lambda] = result.members;
      expect(local).toMatchObject({ name: 'local', failures: 0 });
      expect(lambda).toMatchObject({ name: 'lambda', failures: 0 });
      expect(local!.genomes).toBeGreaterThan(0);
      expect(lambda!.genomes).toBeGreaterThan(0);
      // The server's own count agrees with what the group sent it.
      expect(await evaluated(server)).toBe(local!.genomes);
      // Cost per member: Lambda priced by GB-second and request, the local server's worker time.
      const { members, usd } = result.cost;
      expect(members.lambda!.gbSeconds).toBeGreaterThan(0);
      expect(members.lambda!.usd).toBeGreaterThan(0);
      expect(members.local!.computeSeconds).toBeGreaterThan(0);
      expect(members.local!.usd).toBe(0);
      expect(usd).toBeCloseTo(members.lambda!.usd, 12);
    } finally {
      await server.stop();
    }
  });

  it('finishes identically when the local server is killed mid-run: its batches move to Lambda', async () => {
    const server = await startServer({ threads: 2 });
    try {
      const child = spawn(
        process.execPath,
        [cli, 'run', '--config', await config(server), '--target', 'both', '--json'],
        { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        stdout += c;
      });
      child.stderr.setEncoding('utf8').on('data', (c: string) => {
        stderr += c;
      });
      // Once the server has evaluated a little, it dies without a word.
      for (let i = 0; (await evaluated(server).catch(() => 0)) < 8; i++) {
        if (i > 400) throw new Error(`the server got no work: ${stderr}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      process.kill(server.pid!, 'SIGKILL');
      const [code] = (await once(child, 'exit')) as [number];
      expect(code, stderr).toBe(0);
      const result = JSON.parse(stdout) as GroupResult;
      expect(outcome(result)).toBe(expected);
      const [local, lambda] = result.members;
      expect(local!.genomes).toBeGreaterThan(0);
      expect(local!.failures).toBeGreaterThan(0);
      expect(lambda!.genomes).toBeGreaterThan(0);
    } finally {
      await server.stop().catch(() => {});
    }
  });
});
