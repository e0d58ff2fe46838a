// A user's problem module in the Functions package: bundled by build.mjs, served by the
// packaged handler (loaded from a copy of package/) behind a local Functions-host stand-in,
// and `galapagos run --target azure` gives the embedded logbook.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcome } from '../../../packages/core/test-fixtures/adapters.mjs';
import { writeUserProject } from '../../../packages/core/test-fixtures/user-project.mjs';
import { functionsShim } from './shim.js';

const here = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../../../packages/cli/dist/galapagos.mjs', import.meta.url));
const exec = promisify(execFile);
const project = writeUserProject();
const build = (modules: string) =>
  exec(process.execPath, ['build.mjs'], {
    cwd: here,
    env: { ...process.env, GALAPAGOS_PROBLEMS: modules },
  });
const runCli = (args: string[]) =>
  exec(process.execPath, [cli, 'run', '--json', ...args], {
    cwd: project.dir,
    env: { ...process.env, GALAPAGOS_FUNCTION_KEY: 'key-1' },
  }).then(
    ({ stdout }) => JSON.parse(stdout) as { logbook: unknown; best: unknown; fingerprint: string },
  );

const copy = mkdtempSync(join(tmpdir(), 'galapagos-azure-user-'));
let shim: Awaited<ReturnType<typeof functionsShim>>;
beforeAll(async () => {
  await build(project.fitness);
  cpSync(join(here, 'package'), copy, { recursive: true });
  const { handler } = (await import(pathToFileURL(join(copy, 'dist/index.mjs')).href)) as {
    handler: Parameters<typeof functionsShim>[0];
  };
  shim = await functionsShim(handler, 'key-1');
});
afterAll(async () => {
  await shim?.close();
  await build('');
  rmSync(copy, { recursive: true, force: true });
});

describe('a user problem module on Azure', () => {
  it('is bundled into the package, not shipped as sources', () => {
    expect(existsSync(join(copy, 'dist/problems/fitness.mjs'))).toBe(true);
    expect(existsSync(join(copy, 'dist/problems.json'))).toBe(true);
    expect(existsSync(join(copy, 'dist/problems/data.ts'))).toBe(false);
  });

  it('galapagos run --target azure gives the embedded logbook and fingerprint', async () => {
    const run = {
      problem: 'curve-fit',
      problems: ['./fitness.ts'],
      population: 16,
      generations: 3,
      seed: 8,
    };
    writeFileSync(
      join(project.dir, 'galapagos.config.json'),
      JSON.stringify({
        run,
        targets: {
          embedded: { type: 'embedded', workers: 2 },
          azure: {
            type: 'http',
            url: shim.url,
            headers: { 'x-functions-key': { env: 'GALAPAGOS_FUNCTION_KEY' } },
          },
        },
      }),
    );
    const embedded = await runCli(['--target', 'embedded']);
    const azure = await runCli(['--target', 'azure']);
    expect(azure.fingerprint).toBe(embedded.fingerprint);
    expect(outcome(azure)).toBe(outcome(embedded));
  });
});
