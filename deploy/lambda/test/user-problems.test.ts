// A user's problem module in the Lambda package, through the Serverless Framework's own
// commands run in this folder (`GALAPAGOS_PROBLEMS=… serverless package`, `serverless offline`):
// bundled into the zip by the local plugin, served by the unzipped handler and under
// serverless-offline, with the same logbook as embedded.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcome } from '../../../packages/core/test-fixtures/adapters.mjs';
import { writeUserProject } from '../../../packages/core/test-fixtures/user-project.mjs';
import { service, startOffline } from './helpers.js';

const cli = fileURLToPath(new URL('../../../packages/cli/dist/galapagos.mjs', import.meta.url));
const exec = promisify(execFile);
const project = writeUserProject();
const prepare = (modules: string) =>
  exec(process.execPath, ['prepare.mjs'], {
    cwd: service,
    env: { ...process.env, GALAPAGOS_PROBLEMS: modules, INIT_CWD: project.dir },
  });
const runCli = (args: string[], env: Record<string, string> = {}) =>
  exec(process.execPath, [cli, 'run', '--json', ...args], {
    cwd: project.dir,
    env: { ...process.env, ...env },
  }).then(
    ({ stdout }) => JSON.parse(stdout) as { logbook: unknown; best: unknown; fingerprint: string },
  );

/** The run, the same on every target. */
const settings = {
  run: {
    problem: 'curve-fit',
    problems: ['./fitness.ts'],
    population: 16,
    generations: 3,
    seed: 4,
  },
  dispatch: { concurrency: 2 },
};

let out: string;
let embedded: Awaited<ReturnType<typeof runCli>>;
beforeAll(async () => {
  await writeFile(
    join(project.dir, 'galapagos.config.json'),
    JSON.stringify({
      ...settings,
      targets: { embedded: { type: 'embedded', workers: 2 } },
    }),
  );
  embedded = await runCli(['--target', 'embedded']);
  out = await mkdtemp(join(tmpdir(), 'galapagos-sls-user-'));
  // As a user runs it: the package's own serverless, in this folder, the module by its path.
  await exec('pnpm', ['exec', 'serverless', 'package', '--package', out], {
    cwd: service,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', GALAPAGOS_PROBLEMS: project.fitness },
  });
});
afterAll(async () => {
  await prepare('');
  await rm(out, { recursive: true, force: true });
});

describe('a user problem module on Lambda', () => {
  it('travels in the zip as one bundle, with its npm package and local import', async () => {
    const zip = join(out, 'galapagos.zip');
    const size = (await stat(zip)).size;
    expect(size).toBeLessThan(1024 * 1024);
    const { stdout } = await exec('python3', ['-m', 'zipfile', '-l', zip]);
    expect(stdout).toMatch(/problems\/fitness\.mjs/);
    expect(stdout).toMatch(/problems\.json/);
    expect(stdout).not.toMatch(/fitness\.ts|data\.ts|curve-tools/);
  });

  it('unzipped alone, serves it with the client fingerprint and evolves the same logbook', async () => {
    const dir = join(out, 'unzipped');
    await exec('python3', ['-m', 'zipfile', '-e', join(out, 'galapagos.zip'), dir]);
    // The packaged handler drives a whole run through direct invokes, in a process of its own.
    const probe = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(join(dir, 'handler.mjs')).href)});
      const { evolve } = await import(${JSON.stringify(pathToFileURL(join(project.coreRoot, 'dist/index.js')).href)});
      const { loadRegistry } = await import(${JSON.stringify(pathToFileURL(join(project.coreRoot, 'dist/runtime/index.js')).href)});
      const listed = await handler({ source: 'galapagos.problems' }, {});
      const registry = await loadRegistry([${JSON.stringify(project.fitness)}]);
      const result = await evolve(
        { problem: 'curve-fit', population: 16, generations: 3, seed: 4, cxpb: 0.9, mutpb: 0.1,
          selection: { name: 'selTournament', tournsize: 3 }, hallOfFame: 1 },
        { registry, evaluate: async (genomes, { problem, params }) => (await handler({ problem, params, genomes }, {})).fitness },
      );
      console.log(JSON.stringify({ listed, logbook: result.logbook, best: result.best }));
      process.exit(0);`;
    const { stdout } = await exec(process.execPath, ['--input-type=module', '-e', probe], {
      cwd: dir,
      env: { ...process.env, GALAPAGOS_LOG_LEVEL: 'silent' },
    });
    const { listed, ...run } = JSON.parse(stdout);
    const served = listed.problems.find((p: { id: string }) => p.id === 'curve-fit');
    expect(served.fingerprint).toBe(embedded.fingerprint);
    expect(outcome(run)).toBe(outcome(embedded));
  });

  it('galapagos run --target lambda under serverless-offline gives the embedded logbook', async () => {
    const offline = await startOffline({ GALAPAGOS_PROBLEMS: project.fitness });
    try {
      const config = join(project.dir, 'lambda.json');
      await writeFile(
        config,
        JSON.stringify({
          ...settings,
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
      // The emulator checks no credentials, but the AWS SDK wants some.
      const lambda = await runCli(['--config', config], {
        AWS_ACCESS_KEY_ID: 'x',
        AWS_SECRET_ACCESS_KEY: 'x',
      });
      expect(lambda.fingerprint).toBe(embedded.fingerprint);
      expect(outcome(lambda)).toBe(outcome(embedded));
    } finally {
      await offline.stop();
    }
  });
});

describe('pnpm deploy:lambda and remove:lambda from the repository root', () => {
  const root = join(service, '../..');
  const pnpmScript = (script: string) =>
    exec('pnpm', ['--silent', script], {
      cwd: root,
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_PROFILE: '',
        HOME: project.dir,
        GALAPAGOS_PROBLEMS: '',
      },
    }).then(
      () => ({ code: 0, output: '' }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        output: e.stdout + e.stderr,
      }),
    );

  it.each(['deploy:lambda', 'remove:lambda'])(
    '%s runs serverless and stops at the missing credentials',
    async (script) => {
      const { code, output } = await pnpmScript(script);
      expect(code).not.toBe(0);
      expect(output).toMatch(/AWS provider credentials not found/);
      expect(output).not.toMatch(/ENOENT/);
    },
  );
});
