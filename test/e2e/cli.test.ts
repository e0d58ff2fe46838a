// The `galapagos` command as a user runs it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@galapagos/client';
import { startServer } from '@galapagos/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, run, runCli } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'galapagos-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function withConfig(config: unknown, args: string[]) {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, typeof config === 'string' ? config : JSON.stringify(config));
  return runCli(['run', '--config', file, ...args]);
}

describe('config mistakes exit 2 naming the field and the reason', () => {
  it.each([
    [
      'an unknown target',
      { targets: { a: { type: 'embedded' } } },
      ['--target', 'mars'],
      /\/targets\/mars: unknown target "mars"; configured targets: a/,
    ],
    [
      'a wrong target type',
      { targets: { a: { type: 'ftp' } } },
      [],
      /\/targets\/a\/type: must be one of embedded, http, lambda, queue, group, got "ftp"/,
    ],
    ['a missing url', { targets: { a: { type: 'http' } } }, [], /\/targets\/a\/url: is required/],
    [
      'a secret given as a literal',
      {
        targets: {
          a: { type: 'http', url: 'http://127.0.0.1:1', headers: { 'x-api-key': 'hunter2' } },
        },
      },
      [],
      /\/targets\/a\/headers\/x-api-key: must come from an environment variable/,
    ],
    [
      'a flag out of range',
      { targets: { a: { type: 'embedded' } } },
      ['--population', '1'],
      /--population.*must be an integer >= 2/,
    ],
    [
      'an unknown problem',
      { run: { problem: 'nope' }, targets: { a: { type: 'embedded' } } },
      [],
      /GALAPAGOS_ERR_UNKNOWN_PROBLEM/,
    ],
    ['a file that is not JSON', '{ "run": ', [], /not valid JSON/],
  ])('%s', async (_name, config, args, message) => {
    const { code, stderr } = await withConfig(config, args);
    expect(stderr).toMatch(message);
    expect(code).toBe(2);
  });

  it('a URL that does not parse is a config error (exit 2), not an internal one', async () => {
    const { code, stderr } = await withConfig(
      { targets: { a: { type: 'http', url: 'http://[::1' } } },
      [],
    );
    expect(stderr).toMatch(/\/targets\/a\/url: is not a valid URL/);
    expect(code).toBe(2);
  });

  it('a flag that does not parse still gives --json its one object', async () => {
    const { code, stdout } = await withConfig({ targets: { a: { type: 'embedded' } } }, [
      '--json',
      '--population',
      'many',
    ]);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({
      ok: false,
      error: { code: 'GALAPAGOS_ERR_CONFIG', message: expect.stringMatching(/--population/) },
    });
  });

  it('a checkpoint that cannot be written fails the run (exit 1), not the usage (exit 2)', async () => {
    const { code, stderr } = await withConfig(
      { run: run(), targets: { a: { type: 'embedded', workers: 2 } } },
      ['--checkpoint', '/nonexistent-folder/state.json'],
    );
    expect(stderr).toMatch(/GALAPAGOS_ERR_CHECKPOINT: cannot write checkpoint/);
    expect(code).toBe(1);
  });

  it('an unset header secret is named with its variable', async () => {
    const { code, stderr } = await withConfig(
      {
        targets: {
          a: {
            type: 'http',
            url: 'http://127.0.0.1:1',
            headers: { authorization: { env: 'GALAPAGOS_TEST_UNSET' } },
          },
        },
      },
      [],
    );
    expect(stderr).toMatch(
      /\/targets\/a\/headers\/authorization: environment variable GALAPAGOS_TEST_UNSET is not set/,
    );
    expect(code).toBe(2);
  });
});

describe('galapagos run', () => {
  it('--json prints exactly one JSON object with the logbook, best and figures', async () => {
    const { code, stdout } = await withConfig(
      { run: run(), targets: { e: { type: 'embedded', workers: 2 } } },
      ['--json', '--generations', '3'],
    );
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({
      ok: true,
      target: 'e',
      problem: 'onemax',
      seed: 7,
      best: { genome: expect.stringMatching(/^[01]{24}$/), fitness: expect.any(Number) },
      evaluations: expect.any(Number),
      cacheHits: expect.any(Number),
      retries: 0,
      elapsedMs: expect.any(Number),
      evalsPerSecond: expect.any(Number),
    });
    expect(out.logbook.map((e: { gen: number }) => e.gen)).toEqual([0, 1, 2, 3]);
    expect(Object.keys(out.logbook[0]).sort()).toEqual([
      'avg',
      'gen',
      'max',
      'min',
      'nevals',
      'std',
    ]);
  });

  it('fails with exit 1 and the coded reason when the target is unreachable', async () => {
    const { code, stderr } = await withConfig(
      {
        run: run(),
        dispatch: { retries: 1 },
        targets: { dead: { type: 'http', url: 'http://127.0.0.1:9' } },
      },
      [],
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/GALAPAGOS_ERR_UNREACHABLE/);
  });

  it('the quick start: the reference experiment through a spawned local server', async () => {
    const { code, stdout, stderr } = await runCli(['run', '--target', 'local', '--json']);
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.logbook).toHaveLength(6);
    expect(out.logbook[0].nevals).toBe(20);
    // 6 rounds of 300 ms busy cost: never faster than the limit, and not far above it.
    expect(out.elapsedMs).toBeGreaterThanOrEqual(1800);
    expect(out.elapsedMs).toBeLessThan(6000);
  });

  it('prints the human report: logbook table, best, elapsed and limit', async () => {
    const { code, stdout } = await runCli([
      'run',
      '--target',
      'embedded',
      '--generations',
      '2',
      '--cost-ms',
      '20',
      '--cost-mode',
      'sleep',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/gen\s+nevals\s+max\s+avg\s+min\s+std/);
    expect(stdout).toMatch(/^best: [01]{10}\s+fitness \d+/m);
    expect(stdout).toMatch(/theoretical limit: 3 rounds × 20 ms = 0\.06 s; elapsed\/limit \d/);
  });
});

describe('galapagos serve', () => {
  it('starts the local server, which answers and stops gracefully on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [cli, 'serve', '--port', String(port), '--workers', '1'],
      {
        env: { ...process.env, GALAPAGOS_LOG_LEVEL: 'warn' },
        stdio: 'ignore',
      },
    );
    try {
      let health: Response | undefined;
      for (let i = 0; i < 100 && !health?.ok; i++) {
        health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
        if (!health?.ok) await sleep(100);
      }
      expect(((await health!.json()) as { workers: number }).workers).toBe(1);
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('galapagos targets', () => {
  it('checks every configured target', async () => {
    const { stdout } = await runCli(['targets']);
    expect(stdout).toMatch(/embedded\s+embedded\s+in-process\s+ok/);
    expect(stdout).toMatch(
      /local\s+http\s+http:\/\/127\.0\.0\.1:3000\/\s+(ok|not running \(started on demand\))/,
    );
    expect(stdout).toMatch(/docker\s+http\s+http:\/\/127\.0\.0\.1:8080\/\s+unreachable/);
    expect(stdout).toMatch(
      /fleet\s+queue\s+\S+\s+(unreachable: Redis at redis:\/\/127\.0\.0\.1:6379|unusable: no live workers)/,
    );
  });
});

describe('galapagos targets', () => {
  it('reports every target, a missing header variable included, and exits 1 when one is not usable', async () => {
    const server = await startServer({ threads: 2 });
    try {
      const file = join(dir, 'targets.json');
      await writeFile(
        file,
        JSON.stringify({
          targets: {
            here: { type: 'embedded', threads: 3 },
            up: { type: 'http', url: server.url },
            keyed: {
              type: 'http',
              url: server.url,
              headers: { authorization: { env: 'GALAPAGOS_TEST_UNSET_KEY', prefix: 'Bearer ' } },
            },
          },
        }),
      );
      const { code, stdout } = await runCli(['targets', '--config', file]);
      expect(code).toBe(1);
      expect(stdout).toMatch(/^target\s+type\s+where\s+status\s+version\s+threads\s+latency$/m);
      expect(stdout).toMatch(/here\s+embedded\s+in-process\s+ok\s+-\s+3/);
      expect(stdout).toMatch(/up\s+http\s+http:\/\/127\.0\.0\.1:\d+\/\s+ok\s+\d+\.\d+\.\d+\s+2/);
      expect(stdout).toMatch(/keyed\s+http\s+.*not checked: .*GALAPAGOS_TEST_UNSET_KEY is not set/);
    } finally {
      await server.stop();
    }
  });
});

describe('the galapagos process', () => {
  it('leaves the HTTP parser in baseline code through a short run (no optimising compile of its WebAssembly mid-run)', async () => {
    // By default V8 recompiled llhttp's 33 KB parser after about 20 replies: 170-200 ms of CPU
    // in the middle of a run as long as this one (see packages/cli/src/v8-flags.ts).
    const server = await startServer({ threads: 1 });
    try {
      const file = join(dir, 'short.json');
      await writeFile(
        file,
        JSON.stringify({
          run: run({ params: { length: 100 }, population: 1000, generations: 20 }),
          targets: { up: { type: 'http', url: server.url } },
        }),
      );
      const { code, stdout, stderr } = await runCli(['run', '--config', file, '--json'], {
        nodeArgs: ['--trace-wasm-compilation-times'],
        env: { GALAPAGOS_LOG_LEVEL: 'warn' },
      });
      expect(code, stderr).toBe(0);
      const trace = stdout.split('\n').filter((line) => line.startsWith('Compiled function'));
      // The parser was compiled (the trace works)...
      expect(trace.some((line) => line.includes('using Liftoff'))).toBe(true);
      // ...and never recompiled by TurboFan.
      expect(trace.filter((line) => line.includes('using TurboFan'))).toEqual([]);
      const result = JSON.parse(stdout.split('\n').find((line) => line.startsWith('{'))!);
      expect(result.logbook).toHaveLength(21);
    } finally {
      await server.stop();
    }
  });
});
