// The CLI as a new user meets it: package scripts, spawned servers, keys, resuming, mistakes.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort } from '@galapagos/client';
import { startServer } from '@galapagos/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, repoRoot, runCli } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'galapagos-usage-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function configFile(config: unknown): Promise<string> {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(config));
  return file;
}

/** Whether something answers `/health` at `url` within a second. */
async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

describe('pnpm scripts keep stdout for the CLI', () => {
  const pnpm = (args: string[]) =>
    promisify(execFile)('pnpm', args, { cwd: repoRoot, maxBuffer: 1 << 24 }).catch(
      (error: { stdout: string; stderr: string; code: number }) => error,
    );

  it('pnpm --silent client run --json prints only the JSON object', async () => {
    const { stdout } = await pnpm([
      '--silent',
      'client',
      'run',
      '--json',
      '--target',
      'embedded',
      '--generations',
      '1',
    ]);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, target: 'embedded' });
  }, 120_000);

  it('pnpm client run -- --target embedded passes the flags on', async () => {
    const { stdout, stderr } = await pnpm([
      'client',
      'run',
      '--',
      '--target',
      'embedded',
      '--generations',
      '1',
      '--quiet',
    ]);
    expect(stderr).not.toMatch(/too many arguments/);
    expect(stdout, stderr).toMatch(/target embedded: \d+ evaluations/);
  }, 120_000);
});

describe('galapagos --version', () => {
  it("prints the CLI package's version and exits 0, as -V too", async () => {
    const { version } = JSON.parse(
      await readFile(join(repoRoot, 'packages/cli/package.json'), 'utf8'),
    ) as { version: string };
    for (const flag of ['--version', '-V']) {
      const { code, stdout } = await runCli([flag]);
      expect(code).toBe(0);
      expect(stdout).toBe(`${version}\n`);
    }
  });
});

describe('a spawned local server', () => {
  it("listens on the url's port, and ends when the CLI is killed with SIGKILL", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const file = await configFile({
      run: { population: 10, generations: 10_000, cost: { ms: 20, mode: 'sleep' } },
      targets: { local: { type: 'http', url, spawn: { workers: 1 } } },
    });
    const child = spawn(process.execPath, [cli, 'run', '--config', file, '--quiet'], {
      stdio: 'ignore',
    });
    try {
      const deadline = Date.now() + 30_000;
      while (!(await answers(url)) && Date.now() < deadline) await sleep(200);
      expect(await answers(url)).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    const deadline = Date.now() + 15_000;
    while ((await answers(url)) && Date.now() < deadline) await sleep(200);
    expect(await answers(url)).toBe(false);
  }, 60_000);
});

describe('galapagos targets', () => {
  it('reports a wrong or missing API key as unauthorized, and exits 1', async () => {
    const server = await startServer({ threads: 1, env: { GALAPAGOS_API_KEYS: 'right-key' } });
    try {
      const header = (env: string) => ({
        authorization: { env, prefix: 'Bearer ' },
      });
      const file = await configFile({
        targets: {
          good: { type: 'http', url: server.url, headers: header('USAGE_KEY_GOOD') },
          wrong: { type: 'http', url: server.url, headers: header('USAGE_KEY_WRONG') },
          none: { type: 'http', url: server.url },
        },
      });
      const { code, stdout } = await runCli(['targets', '--config', file], {
        env: { USAGE_KEY_GOOD: 'right-key', USAGE_KEY_WRONG: 'wrong-key' },
      });
      expect(code).toBe(1);
      expect(stdout).toMatch(/^good\s+http\s+\S+\s+ok\s/m);
      expect(stdout).toMatch(/^wrong\s+http\s+\S+\s+unauthorized/m);
      expect(stdout).toMatch(/^none\s+http\s+\S+\s+unauthorized/m);
    } finally {
      await server.stop();
    }
  }, 60_000);
});

describe('--resume', () => {
  const base = ['run', '--population', '16', '--seed', '3', '--json'];

  it('continues to --generations N exactly as a run started with N', async () => {
    const checkpoint = join(dir, 'short.json');
    const short = await runCli([...base, '--generations', '2', '--checkpoint', checkpoint], {
      cwd: dir,
    });
    expect(short.code).toBe(0);
    const continued = await runCli(
      ['run', '--resume', checkpoint, '--generations', '5', '--json'],
      { cwd: dir },
    );
    const long = await runCli([...base, '--generations', '5'], { cwd: dir });
    expect(continued.code).toBe(0);
    const a = JSON.parse(continued.stdout);
    const b = JSON.parse(long.stdout);
    expect(a.logbook).toHaveLength(6);
    expect(a.logbook).toEqual(b.logbook);
    expect(a.best).toEqual(b.best);
  }, 60_000);

  it.each([
    [['--seed', '4'], /--seed 4 \(the checkpoint's: 3\)/],
    [['--population', '30'], /--population 30/],
    [['--problem', 'sphere'], /--problem "sphere"/],
    [['--generations', '1'], /--generations: the checkpoint has recorded 2 generations/],
  ])(
    'refuses %j, exit 2, naming it',
    async (flags, reason) => {
      const checkpoint = join(dir, 'refuse.json');
      await runCli([...base, '--generations', '2', '--checkpoint', checkpoint], { cwd: dir });
      const { code, stderr } = await runCli(['run', '--resume', checkpoint, ...flags], {
        cwd: dir,
      });
      expect(code).toBe(2);
      expect(stderr).toMatch(reason);
      // The checkpoint is left as it was.
      expect(JSON.parse(await readFile(checkpoint, 'utf8')).logbook).toHaveLength(3);
    },
    60_000,
  );
});

describe('mistakes said in one sentence', () => {
  it('a misspelt parameter names the problem and its known parameters', async () => {
    const { code, stderr } = await runCli(['run', '--params', '{"lenght": 3}'], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toContain('unknown parameter "lenght" of onemax; known: length');
  });

  it('galapagos serve on a port in use: one line, exit 2', async () => {
    const busy = await startServer({ threads: 1 });
    try {
      const port = new URL(busy.url).port;
      const { code, stderr } = await runCli(['serve', '--port', port, '--threads', '1']);
      expect(code).toBe(2);
      const refusal = `galapagos-server: GALAPAGOS_ERR_LISTEN: 127.0.0.1:${port} is already in use (another server?); choose another PORT`;
      expect(stderr.trim()).toBe(refusal);
      // --workers, the old name of --threads, still works for one release, with a note.
      const old = await runCli(['serve', '--port', port, '--workers', '1']);
      expect(old.code).toBe(2);
      expect(old.stderr.trim().split('\n')).toEqual([
        'galapagos: warning: --workers is deprecated: use --threads (the threads of the evaluation pool; a worker is a fleet process)',
        refusal,
      ]);
    } finally {
      await busy.stop();
    }
  }, 60_000);

  it('galapagos serve with an invalid port: exit 2 before anything starts', async () => {
    const { code, stderr } = await runCli(['serve', '--port', '99999']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--port.*must be an integer from 0 to 65535/);
  });

  it('a run on a target that never touches Lambda prints no AWS SDK warning', async () => {
    const file = await configFile({
      run: { generations: 1, population: 4 },
      targets: { here: { type: 'embedded' }, aws: { type: 'lambda', function: 'f' } },
      defaultTarget: 'here',
    });
    const { code, stderr } = await runCli(['run', '--config', file, '--quiet']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });
});
