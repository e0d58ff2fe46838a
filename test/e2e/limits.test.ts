// Limits agree end to end: the server advertises its limits on /health and the client sizes
// its batches to them, so a run gives the same result on every target.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  createEmbeddedEvaluator,
  createHttpEvaluator,
  freePort,
  type LocalServer,
  runEvolution,
} from '@galapagos/client';
import { startServer } from '@galapagos/server';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, faultyProxy, outcome, run, runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'galapagos-limits-'));
const servers: LocalServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

const serve = async (env: Record<string, string>) => {
  const server = await startServer({ threads: 2, env });
  servers.push(server);
  return server.url;
};

const runOn = async (config: object, args: string[] = []) => {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(config));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [cli, 'run', '--config', file, '--json', ...args],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return JSON.parse(stdout) as { ok: boolean; logbook: unknown; best: unknown; retries: number };
};

describe("the client sizes batches to the server's limits", () => {
  it('advertises them on /health', async () => {
    const url = await serve({ GALAPAGOS_MAX_GENOMES: '5', GALAPAGOS_MAX_COST_TOTAL_MS: '60' });
    const health = (await (await fetch(`${url}/health`)).json()) as {
      limits: Record<string, number>;
    };
    expect(health.limits).toMatchObject({
      maxGenomes: 5,
      maxCostTotalMs: 60,
      bodyLimit: 16 * 1024 * 1024,
    });
  });

  it('a server taking 5 genomes a request still runs the ordinary run, even with a larger fixed batch', async () => {
    const url = await serve({ GALAPAGOS_MAX_GENOMES: '5' });
    const config = {
      run: run(),
      dispatch: { batchSize: 50 },
      targets: { small: { type: 'http', url } },
    };
    const local = { ...config, targets: { e: { type: 'embedded', workers: 2 } } };
    expect(outcome(await runOn(config))).toBe(outcome(await runOn(local)));
  });

  it('a cost cap per request splits costly batches instead of failing them', async () => {
    const url = await serve({ GALAPAGOS_MAX_COST_TOTAL_MS: '20' });
    const settings = {
      run: run({ population: 12, generations: 1, cost: { ms: 5, mode: 'sleep' } }),
      dispatch: { batchSize: 12 },
    };
    const remote = await runOn({ ...settings, targets: { t: { type: 'http', url } } });
    const local = await runOn({ ...settings, targets: { e: { type: 'embedded', workers: 2 } } });
    expect(outcome(remote)).toBe(outcome(local));
  });

  it('more genomes than one request may carry go in several requests, as on embedded', async () => {
    const url = await serve({});
    const big = {
      run: run({ params: { length: 4 }, population: 150_000, generations: 0 }),
      dispatch: { concurrency: 1 },
    };
    const remote = await runOn({ ...big, targets: { t: { type: 'http', url } } });
    const local = await runOn({ ...big, targets: { e: { type: 'embedded', workers: 2 } } });
    expect(remote.ok).toBe(true);
    expect(outcome(remote)).toBe(outcome(local));
  }, 60_000);
});

describe('several urls, one of them dead', () => {
  it('a server dead from the start is left out with a warning, and the run goes on', async () => {
    const url = await serve({});
    const dead = `http://127.0.0.1:${await freePort()}`;
    const file = join(dir, 'dead.json');
    writeFileSync(
      file,
      JSON.stringify({ run: run(), targets: { t: { type: 'http', urls: [url, dead] } } }),
    );
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [
      cli,
      'run',
      '--config',
      file,
      '--json',
    ]);
    expect(JSON.parse(stdout).ok).toBe(true);
    expect(stderr).toMatch(/did not answer .*it gets no batches this run/);
  });

  it('a server that dies mid-run is kept off for a cool-down, so the run barely slows', async () => {
    const stable = await startServer({ threads: 2 });
    const doomed = await startServer({ threads: 2 });
    servers.push(stable, doomed);
    const evaluator = createHttpEvaluator({
      urls: [stable.url, doomed.url],
      connections: 4,
      capacity: 4,
    });
    try {
      const settings = run({ generations: 20 });
      const result = await runEvolution({
        run: settings,
        dispatch: { batchSize: 4, concurrency: 4, timeoutMs: 10_000, retries: 8, cache: true },
        evaluator,
        onGeneration: (entry) => {
          if (entry.gen === 1) void doomed.stop();
        },
      });
      const embedded = await createEmbeddedEvaluator({ threads: 2 });
      const reference = await runEvolution({
        run: settings,
        dispatch: { batchSize: 4, concurrency: 4, timeoutMs: 10_000, retries: 8, cache: true },
        evaluator: embedded,
      });
      await embedded.close();
      expect(outcome(result)).toBe(outcome(reference));
      // Without the breaker the dead server (never anything outstanding) would draw half the
      // batches of every generation, each refused and retried.
      expect(result.retries).toBeLessThan(12);
    } finally {
      await evaluator.close();
    }
  }, 60_000);
});

describe('a target that stops answering', () => {
  it('is noticed in seconds, said on stderr, and fails the run with its code once retries are spent', async () => {
    const url = await serve({});
    const proxy = await faultyProxy(url, () => 'stall');
    try {
      const file = join(dir, 'stalled.json');
      writeFileSync(
        file,
        JSON.stringify({
          run: run({ cost: { ms: 300, mode: 'sleep' } }),
          dispatch: { retries: 1 },
          targets: { t: { type: 'http', url: proxy.url } },
        }),
      );
      const started = performance.now();
      const { code, stderr } = await runCli(['run', '--config', file, '--json']);
      const seconds = (performance.now() - started) / 1000;
      expect(code).toBe(1);
      // 4 × one wave of 300 ms is under the 10 s floor: two attempts of 10 s, not of 120 s.
      expect(stderr).toMatch(
        /GALAPAGOS_ERR_REQUEST_TIMEOUT: no reply within 10000 ms.*retrying a batch/,
      );
      expect(stderr).toMatch(/galapagos: GALAPAGOS_ERR_REQUEST_TIMEOUT/);
      expect(seconds).toBeLessThan(60);
    } finally {
      await proxy.close();
    }
  }, 90_000);
});
