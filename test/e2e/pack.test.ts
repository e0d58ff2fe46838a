// As a new user outside this repository: the four packages packed (`pnpm pack`), installed
// with npm into an empty folder, then `npx galapagos init` and `npx galapagos run`.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis } from '../../packages/core/test-fixtures/redis.mjs';
import { repoRoot } from './helpers.js';

const exec = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'galapagos-pack-'));
const app = join(root, 'app');

beforeAll(async () => {
  for (const name of ['core', 'client', 'server', 'cli'])
    await exec('pnpm', ['pack', '--pack-destination', root], {
      cwd: join(repoRoot, 'packages', name),
    });
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'my-ga', private: true, type: 'module' }),
  );
  const tarballs = readdirSync(root)
    .filter((f) => f.endsWith('.tgz'))
    .map((f) => join(root, f));
  await exec('npm', ['install', '--no-audit', '--no-fund', ...tarballs], {
    cwd: app,
    maxBuffer: 16 * 1024 * 1024,
  });
}, 300_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const npx = (args: string[]) =>
  exec('npx', ['--no-install', 'galapagos', ...args], {
    cwd: app,
    env: { ...process.env, GALAPAGOS_PROBLEMS: '' },
  });

describe('installed from the packed packages', () => {
  it('galapagos --version prints the installed CLI version', async () => {
    const { version } = JSON.parse(
      readFileSync(join(app, 'node_modules/@galapagos/cli/package.json'), 'utf8'),
    ) as { version: string };
    expect((await npx(['--version'])).stdout).toBe(`${version}\n`);
  });

  it('galapagos init scaffolds a project that runs embedded and on a spawned local server, identically', async () => {
    const init = await npx(['init']);
    expect(init.stdout).toMatch(/wrote .*fitness\.ts/);
    const embedded = JSON.parse((await npx(['run', '--json'])).stdout);
    const local = JSON.parse((await npx(['run', '--target', 'local', '--json'])).stdout);
    expect(embedded).toMatchObject({
      ok: true,
      problem: 'curve-fit',
      fingerprint: expect.stringMatching(/^sha256:/),
    });
    expect(embedded.logbook).toHaveLength(41);
    // The fit finds the curve the points were drawn from (the sum of squared noise is ~1.7).
    expect(embedded.best.fitness).toBeLessThan(5);
    expect(JSON.stringify([local.logbook, local.best])).toBe(
      JSON.stringify([embedded.logbook, embedded.best]),
    );
    expect(local.fingerprint).toBe(embedded.fingerprint);
  });

  it('galapagos worker serves the project from a queue on Redis, giving the embedded logbook', async () => {
    const redis = await startRedis();
    // The installed binary itself (npx would not pass SIGTERM on to it).
    const worker = spawn(
      join(app, 'node_modules/.bin/galapagos'),
      ['worker', '--redis', redis.url, '--workers', '2', '--problems', 'fitness.ts'],
      {
        cwd: app,
        env: { ...process.env, GALAPAGOS_PROBLEMS: '' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let log = '';
    worker.stderr!.setEncoding('utf8').on('data', (c: string) => {
      log += c;
    });
    try {
      const config = JSON.parse(readFileSync(join(app, 'galapagos.config.json'), 'utf8'));
      config.targets.fleet = { type: 'queue', url: redis.url };
      writeFileSync(join(app, 'fleet.json'), JSON.stringify(config));
      for (let i = 0; !log.includes('taking batches'); i++) {
        if (i > 600 || worker.exitCode !== null) throw new Error(`worker did not start: ${log}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const embedded = JSON.parse((await npx(['run', '--json'])).stdout);
      const fleet = JSON.parse(
        (await npx(['run', '--config', 'fleet.json', '--target', 'fleet', '--json'])).stdout,
      );
      expect(fleet.fingerprint).toBe(embedded.fingerprint);
      expect(JSON.stringify([fleet.logbook, fleet.best])).toBe(
        JSON.stringify([embedded.logbook, embedded.best]),
      );
    } finally {
      worker.kill('SIGTERM');
      await once(worker, 'exit');
      await redis.stop();
    }
    expect(log).toMatch(/stopped \([1-9]\d* batches done/);
  });
});
