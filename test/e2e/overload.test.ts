// Overload slows a run, never fails it: several clients against a one-thread server with a
// tiny queue, each with a small retry budget, all finish with the embedded logbook.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LocalServer } from '@galapagos/client';
import { startServer } from '@galapagos/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, outcome, run } from './helpers.js';

const CLIENTS = 6;
const dir = mkdtempSync(join(tmpdir(), 'galapagos-overload-'));
let server: LocalServer;
beforeAll(async () => {
  server = await startServer({ threads: 1, env: { GALAPAGOS_MAX_QUEUE: '2' } });
});
afterAll(() => server?.stop());

const settings = (seed: number) => ({
  run: run({ population: 20, generations: 4, seed, cost: { ms: 5, mode: 'sleep' } }),
  // Eight requests in flight each, two retries: without slowing down, these runs fail.
  dispatch: { batchSize: 2, concurrency: 8, retries: 2 },
});

const runOn = async (target: object, seed: number) => {
  const file = join(dir, `${seed}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ ...settings(seed), targets: { t: target } }));
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [cli, 'run', '--config', file, '--json'],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return {
    result: JSON.parse(stdout) as { ok: boolean; logbook: unknown; best: unknown; retries: number },
    stderr,
  };
};

describe('sustained overload', () => {
  it(`${CLIENTS} clients against a one-thread server with a queue of 2 all finish, identical to embedded`, async () => {
    const seeds = Array.from({ length: CLIENTS }, (_, i) => i + 1);
    const remote = await Promise.all(
      seeds.map((seed) => runOn({ type: 'http', url: server.url }, seed)),
    );
    const local = await Promise.all(
      seeds.map((seed) => runOn({ type: 'embedded', workers: 2 }, seed)),
    );
    let retried = 0;
    for (const [i, { result, stderr }] of remote.entries()) {
      expect(result.ok).toBe(true);
      expect(outcome(result)).toBe(outcome(local[i]!.result));
      retried += result.retries;
      if (result.retries > 0)
        expect(stderr).toMatch(/target busy \(GALAPAGOS_ERR_OVERLOADED\); waiting/);
    }
    // The server was overloaded indeed.
    expect(retried).toBeGreaterThan(0);
  }, 60_000);
});
