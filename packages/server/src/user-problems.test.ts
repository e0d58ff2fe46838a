// The server with a user's problem module, written outside the repository: through the app,
// and through the built `galapagos-server` entry as a user starts it (GALAPAGOS_PROBLEMS).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeUserProject } from '../../core/test-fixtures/user-project.mjs';
import { optionsFromEnv } from './options.js';
import { evaluate, faultyProblems, testApp } from './test-utils.js';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const project = writeUserProject();

describe('a server with a user problem module', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    const { problemModules } = optionsFromEnv({
      GALAPAGOS_PROBLEMS: `${project.fitness}, ${project.python}`,
    });
    app = await testApp({ problemModules: [...problemModules, faultyProblems] });
  });
  afterAll(() => app.close());

  it('lists it with its defaults and fingerprint', async () => {
    const reply = await app.inject('/v1/problems');
    expect(reply.statusCode).toBe(200);
    const { problems } = reply.json() as {
      problems: { id: string; genome: unknown; fingerprint?: string }[];
    };
    const curve = problems.find((p) => p.id === 'curve-fit');
    expect(curve).toMatchObject({ genome: { kind: 'real', length: 3, low: -5, high: 5 } });
    expect(curve?.fingerprint).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(problems.find((p) => p.id === 'onemax')?.fingerprint).toMatch(/^sha256:/);
  });

  it('evaluates it, and an external program', async () => {
    const curve = await evaluate(app, {
      problem: 'curve-fit',
      genomes: [
        [1, 0, 1],
        [0, 0, 0],
      ],
    });
    expect(curve.json()).toMatchObject({ fitness: [0, 134], count: 2 });
    const py = await evaluate(app, { problem: 'py-onemax', genomes: ['110000000001'] });
    expect(py.json()).toMatchObject({ fitness: [3] });
  });

  it('answers a failing fitness with a coded 500 naming the genome, and keeps serving', async () => {
    const reply = await evaluate(app, { problem: 'test-throws', genomes: ['0000', '1111'] });
    expect(reply.statusCode).toBe(500);
    expect(reply.json()).toMatchObject({
      code: 'GALAPAGOS_ERR_EVALUATION_FAILED',
      message: expect.stringMatching(/problem "test-throws", genome 1 \(.*\): fitness threw/),
    });
    expect((await evaluate(app, { problem: 'curve-fit', genomes: [[1, 0, 1]] })).statusCode).toBe(
      200,
    );
  });
});

describe('galapagos-server with GALAPAGOS_PROBLEMS', () => {
  const run = (env: Record<string, string>) =>
    promisify(execFile)(process.execPath, [main], {
      env: { ...process.env, PORT: '0', GALAPAGOS_WORKERS: '1', ...env },
      timeout: 30_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );

  it.each([
    ['missing.ts', /GALAPAGOS_ERR_PROBLEM_MODULE: problem module .*missing\.ts: cannot be read/],
    ['syntax.ts', /GALAPAGOS_ERR_PROBLEM_MODULE: .*syntax\.ts: does not build/],
    [
      'builtin-id.mjs',
      /GALAPAGOS_ERR_INVALID_PROBLEM: .*builtin-id\.mjs: problem id "onemax" is already defined/,
    ],
  ])(
    'refuses to start on a bad module (%s) with the file, the reason and exit code 2',
    async (file, message) => {
      const { code, stderr } = await run({ GALAPAGOS_PROBLEMS: `${project.dir}/${file}` });
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
    },
  );
});

describe('the Lambda entry with GALAPAGOS_PROBLEMS', () => {
  const lambda = new URL('../dist/lambda.js', import.meta.url).href;

  it.each([
    ['missing.ts', /GALAPAGOS_ERR_PROBLEM_MODULE: problem module .*missing\.ts: cannot be read/],
    ['syntax.ts', /GALAPAGOS_ERR_PROBLEM_MODULE: .*syntax\.ts: does not build/],
  ])(
    'fails its init on a bad module (%s), naming the file and the reason',
    async (file, message) => {
      // Lambda reports an import that throws as the function's init error, with this message.
      const probe = `import(${JSON.stringify(lambda)}).then(
      () => console.log('loaded'), (e) => console.log(e.code + ': ' + e.message));`;
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--input-type=module', '-e', probe],
        {
          env: {
            ...process.env,
            GALAPAGOS_PROBLEMS: `${project.dir}/${file}`,
            GALAPAGOS_LOG_LEVEL: 'silent',
          },
          timeout: 30_000,
        },
      );
      expect(stdout).toMatch(message);
    },
  );
});
