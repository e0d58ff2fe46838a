// As a new user outside this repository: the three packages packed (`pnpm pack`), installed
// with npm into an empty folder, then `npx galapagos init` and `npx galapagos run`.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers.js';

const exec = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'galapagos-pack-'));
const app = join(root, 'app');

beforeAll(async () => {
  for (const name of ['core', 'server', 'client'])
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
});
