// A user's own problem, in a project outside the repository, run through the CLI as a user
// runs it: embedded and against a local server, with the same logbook; refused when the
// server or the checkpoint has other code.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@galapagos/client';
import { afterAll, describe, expect, it } from 'vitest';
import { writeUserProject } from '../../packages/core/test-fixtures/user-project.mjs';
import { outcome, repoRoot, runCli } from './helpers.js';

const project = writeUserProject();
const serverMain = join(repoRoot, 'packages/server/dist/main.js');
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop();
});

writeFileSync(
  join(project.dir, 'galapagos.config.json'),
  JSON.stringify({
    run: {
      problem: 'curve-fit',
      problems: ['./fitness.ts'],
      population: 24,
      generations: 4,
      seed: 3,
    },
    targets: {
      embedded: { type: 'embedded', workers: 2 },
      local: { type: 'http', url: 'http://127.0.0.1:9', spawn: { workers: 3 } },
    },
    defaultTarget: 'embedded',
  }),
);

/** A galapagos-server started by hand with the given modules; stopped after the suite. */
async function startServer(modules: string[]) {
  const port = await freePort();
  const child = spawn(process.execPath, [serverMain], {
    env: {
      ...process.env,
      PORT: String(port),
      GALAPAGOS_WORKERS: '2',
      GALAPAGOS_LOG_LEVEL: 'warn',
      GALAPAGOS_PROBLEMS: modules.join(','),
    },
    stdio: 'ignore',
  });
  stops.push(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return url;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('server did not start');
}

const json = (stdout: string) =>
  JSON.parse(stdout) as {
    ok: boolean;
    logbook: unknown[];
    best: unknown;
    fingerprint?: string;
    penalised?: number;
    error?: { code: string; message: string };
  };

/** `galapagos run` of the project's curve-fit against the server at `url`. */
async function runAgainst(url: string) {
  const configFile = join(project.dir, `remote-${new URL(url).port}.json`);
  writeFileSync(
    configFile,
    JSON.stringify({
      run: { problem: 'curve-fit', problems: ['./fitness.ts'] },
      targets: { remote: { type: 'http', url } },
    }),
  );
  return runCli(['run', '--config', configFile, '--json'], { cwd: project.dir });
}

describe('your own fitness function through the CLI', () => {
  it('gives the same logbook embedded and on a spawned local server (TypeScript, npm package, local import, async)', async () => {
    const embedded = await runCli(['run', '--json'], { cwd: project.dir });
    expect(embedded.stderr).toBe('');
    const local = await runCli(['run', '--target', 'local', '--json'], { cwd: project.dir });
    expect(local.code, local.stderr).toBe(0);
    const a = json(embedded.stdout);
    const b = json(local.stdout);
    expect(a.logbook).toHaveLength(5);
    expect(outcome(b)).toBe(outcome(a));
    expect(a.fingerprint).toMatch(/^sha256:/);
    expect(b.fingerprint).toBe(a.fingerprint);
  });

  it('runs your multi-objective module (NSGA-II), embedded and on a server started with it, with the same front', async () => {
    const args = ['run', '--problems', project.tradeoff, '--problem', 'beam', '--population', '24'];
    const embedded = await runCli([...args, '--json'], { cwd: project.dir });
    expect(embedded.code, embedded.stderr).toBe(0);
    const url = await startServer([project.tradeoff]);
    const config = join(project.dir, 'remote.json');
    writeFileSync(
      config,
      JSON.stringify({
        run: { generations: 4, seed: 3 },
        targets: { remote: { type: 'http', url } },
      }),
    );
    writeFileSync(
      join(project.dir, 'embedded.json'),
      JSON.stringify({
        run: { generations: 4, seed: 3 },
        targets: { here: { type: 'embedded', workers: 2 } },
      }),
    );
    const [a, b] = await Promise.all([
      runCli([...args, '--config', join(project.dir, 'embedded.json'), '--json'], {
        cwd: project.dir,
      }),
      runCli([...args, '--config', config, '--json'], { cwd: project.dir }),
    ]);
    expect(b.code, b.stderr).toBe(0);
    const [here, there] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    expect(here.objectives).toEqual(['max', 'min']);
    expect(here.hypervolume).toBeGreaterThan(0);
    expect(JSON.stringify([there.logbook, there.hallOfFame])).toBe(
      JSON.stringify([here.logbook, here.hallOfFame]),
    );
    const human = await runCli(args, { cwd: project.dir });
    expect(human.stdout).toMatch(/^\s+gen\s+nevals\s+max\s+avg\s+min\s+std\s+hv$/m);
    expect(human.stdout).toMatch(
      /Pareto front: \d+ individuals, hypervolume [\d.]+ \(reference point \[0, 20\]\)/,
    );
  });

  it('runs your module steady-state, and replays that run on a server started with it, identically', async () => {
    const args = ['--problems', project.fitness, '--problem', 'curve-fit', '--population', '12'];
    const steady = join(project.dir, 'steady.json');
    writeFileSync(
      steady,
      JSON.stringify({
        run: { generations: 4, seed: 2, algorithm: { name: 'steady-state', inFlight: 3 } },
        targets: { here: { type: 'embedded', workers: 2 } },
      }),
    );
    const first = await runCli(['run', '--config', steady, ...args, '--json'], {
      cwd: project.dir,
    });
    expect(first.code, first.stderr).toBe(0);
    const result = join(project.dir, 'steady-result.json');
    writeFileSync(result, first.stdout);
    const url = await startServer([project.fitness]);
    const remote = join(project.dir, 'steady-remote.json');
    writeFileSync(
      remote,
      JSON.stringify({
        run: { generations: 4, seed: 2, algorithm: { name: 'steady-state' } },
        targets: { remote: { type: 'http', url } },
      }),
    );
    const again = await runCli(['run', '--config', remote, ...args, '--replay', result, '--json'], {
      cwd: project.dir,
    });
    expect(again.code, again.stderr).toBe(0);
    const [a, b] = [JSON.parse(first.stdout), JSON.parse(again.stdout)];
    expect(a.logbook).toHaveLength(5);
    expect(JSON.stringify([b.logbook, b.best, b.replay])).toBe(
      JSON.stringify([a.logbook, a.best, a.replay]),
    );
  });

  it('runs a Python program as the fitness, embedded and on a server started with --problems', async () => {
    const args = [
      'run',
      '--problems',
      project.python,
      '--problem',
      'py-onemax',
      '--population',
      '12',
      '--generations',
      '3',
      '--seed',
      '5',
      '--json',
    ];
    const embedded = await runCli(
      [...args, '--config', join(project.dir, 'galapagos.config.json')],
      { cwd: project.dir },
    );
    expect(embedded.code, embedded.stderr).toBe(0);
    const url = await startServer([project.python]);
    const configFile = join(project.dir, 'remote.json');
    writeFileSync(configFile, JSON.stringify({ targets: { remote: { type: 'http', url } } }));
    const remote = await runCli([...args, '--config', configFile], { cwd: project.dir });
    expect(remote.code, remote.stderr).toBe(0);
    expect(outcome(json(remote.stdout))).toBe(outcome(json(embedded.stdout)));
    expect(json(remote.stdout).logbook).toHaveLength(4);
  });

  it('optimises your WebAssembly fitness on the embedded target (the CLI only delays it)', async () => {
    // What the loop returns, in 32-bit arithmetic as WebAssembly's i32.
    const sumTo = (n: number) => {
      let s = 0;
      for (let i = 0; i < n; i++) s = (s + i) | 0;
      return s;
    };
    // A summing loop in hand-written WebAssembly: sum(n) = 0 + 1 + ... + (n - 1), wrapping.
    const wasm = [
      0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 115, 117,
      109, 0, 0, 10, 37, 1, 35, 1, 2, 127, 2, 64, 3, 64, 32, 1, 32, 0, 79, 13, 1, 32, 2, 32, 1, 106,
      33, 2, 32, 1, 65, 1, 106, 33, 1, 12, 0, 11, 11, 32, 2, 11,
    ];
    writeFileSync(
      join(project.dir, 'wasm.ts'),
      `import { defineProblem } from '@galapagos/core';

const module = new WebAssembly.Module(new Uint8Array(${JSON.stringify(wasm)}));
const { sum } = new WebAssembly.Instance(module).exports as { sum: (n: number) => number };
const SUM = ${sumTo(1_000_000)};

export const problems = [
  defineProblem({
    id: 'wasm-ones',
    title: 'Ones, counted the long way',
    description: 'OneMax, with a summing loop in WebAssembly per evaluation.',
    params: { type: 'object', properties: {}, additionalProperties: false },
    instantiate: () => ({
      genome: { kind: 'binary', length: 16 },
      objective: 'max',
      fitness: (genome) => {
        const ones = [...(genome as string)].filter((bit) => bit === '1').length;
        return ones + (sum(1_000_000) === SUM ? 0 : Number.NaN);
      },
    }),
  }),
];
`,
    );
    const { code, stdout, stderr } = await runCli(
      [
        'run',
        '--problems',
        './wasm.ts',
        '--problem',
        'wasm-ones',
        '--population',
        '100',
        '--generations',
        '5',
        '--json',
      ],
      { cwd: project.dir, nodeArgs: ['--trace-wasm-compilation-times'] },
    );
    expect(code, stderr).toBe(0);
    const lines = stdout.split('\n');
    expect(JSON.parse(lines.find((line) => line.startsWith('{'))!).best.fitness).toBeGreaterThan(8);
    // The loop ran in the baseline code first, then V8 optimised it: some 400 million iterations
    // in all (5-10 million in one thread are enough), however many threads share them.
    const compiled = lines.filter((line) => line.startsWith('Compiled function'));
    expect(compiled.some((line) => line.includes('using Liftoff'))).toBe(true);
    expect(compiled.some((line) => line.includes('using TurboFan'))).toBe(true);
  });

  it('refuses a server started with an edited copy of the module', async () => {
    const edited = writeUserProject({ edit: true });
    const { code, stdout } = await runAgainst(await startServer([edited.fitness]));
    expect(code).toBe(2);
    const { error } = json(stdout);
    expect(error?.code).toBe('GALAPAGOS_ERR_PROBLEM_MISMATCH');
    expect(error?.message).toMatch(
      /fingerprint sha256:[0-9a-f]{16}, but this client's is sha256:[0-9a-f]{16}/,
    );
    expect(error?.message).toMatch(/restart the server with --problems/);
  });

  it('refuses a server that does not serve the problem, saying how to load it', async () => {
    const { code, stdout } = await runAgainst(await startServer([]));
    expect(code).toBe(2);
    expect(json(stdout).error).toMatchObject({
      code: 'GALAPAGOS_ERR_UNKNOWN_PROBLEM',
      message: expect.stringMatching(/does not serve problem "curve-fit".*GALAPAGOS_PROBLEMS/),
    });
  });

  it('runs a problem only the server has (default params), and says how to use other params', async () => {
    const url = await startServer([project.fitness]);
    const configFile = join(project.dir, 'server-only.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        run: { problem: 'curve-fit', population: 24, generations: 4, seed: 3 },
        targets: { remote: { type: 'http', url } },
      }),
    );
    const remote = await runCli(['run', '--config', configFile, '--json'], { cwd: project.dir });
    expect(remote.code, remote.stderr).toBe(0);
    const embedded = await runCli(['run', '--json'], { cwd: project.dir });
    expect(outcome(json(remote.stdout))).toBe(outcome(json(embedded.stdout)));
    expect(json(remote.stdout).fingerprint).toBe(json(embedded.stdout).fingerprint);
    const other = await runCli(
      ['run', '--config', configFile, '--params', '{"degree": 3}', '--json'],
      {
        cwd: project.dir,
      },
    );
    expect(other.code).toBe(2);
    expect(json(other.stdout).error).toMatchObject({
      code: 'GALAPAGOS_ERR_INVALID_PARAMS',
      message: expect.stringMatching(
        /defined only on the target .* add its module to run.problems/,
      ),
    });
  });

  it('refuses to resume a checkpoint made with other code', async () => {
    const copy = writeUserProject();
    const checkpoint = join(copy.dir, 'state.json');
    const args = [
      'run',
      '--problems',
      copy.fitness,
      '--problem',
      'curve-fit',
      '--generations',
      '1',
      '--checkpoint',
      checkpoint,
      '--json',
    ];
    expect((await runCli(args, { cwd: copy.dir })).code).toBe(0);
    appendFileSync(join(copy.dir, 'data.ts'), '// changed\n');
    const resumed = await runCli(
      [
        'run',
        '--problems',
        copy.fitness,
        '--problem',
        'curve-fit',
        '--generations',
        '3',
        '--resume',
        checkpoint,
        '--json',
      ],
      { cwd: copy.dir },
    );
    expect(resumed.code).toBe(2);
    expect(json(resumed.stdout).error).toMatchObject({
      code: 'GALAPAGOS_ERR_PROBLEM_MISMATCH',
      message: expect.stringMatching(/checkpoint was made .* at fingerprint/),
    });
  });

  it('stops on a failing fitness with the problem and genome, or goes on with run.onError.penalty', async () => {
    const args = [
      'run',
      '--problems',
      project.fragile,
      '--problem',
      'fragile-onemax',
      '--population',
      '40',
      '--generations',
      '6',
      '--json',
    ];
    const failing = await runCli(args, { cwd: project.dir });
    expect(failing.code).toBe(1);
    expect(json(failing.stdout).error).toMatchObject({
      code: 'GALAPAGOS_ERR_EVALUATION_FAILED',
      message: expect.stringMatching(
        /problem "fragile-onemax", genome \d+ \([01]+\): fitness threw: simulator diverged/,
      ),
    });
    const configFile = join(project.dir, 'penalty.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        run: { onError: { penalty: -1 } },
        targets: { embedded: { type: 'embedded', workers: 2 } },
      }),
    );
    const penalised = await runCli([...args, '--config', configFile], { cwd: project.dir });
    expect(penalised.code, penalised.stderr).toBe(0);
    const result = json(penalised.stdout);
    expect(result.penalised).toBeGreaterThan(0);
    expect(result.logbook).toHaveLength(7);
  });

  it("does not give the config's params to another --problem", async () => {
    const configFile = join(project.dir, 'params.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        run: {
          problem: 'onemax',
          params: { length: 30 },
          problems: ['./fitness.ts'],
          generations: 1,
        },
        targets: { e: { type: 'embedded' } },
      }),
    );
    const other = await runCli(
      ['run', '--config', configFile, '--problem', 'curve-fit', '--json'],
      { cwd: project.dir },
    );
    expect(other.code, other.stdout).toBe(0);
    const withParams = await runCli(
      [
        'run',
        '--config',
        configFile,
        '--problem',
        'curve-fit',
        '--params',
        '{"degree": 4}',
        '--json',
      ],
      { cwd: project.dir },
    );
    expect((json(withParams.stdout).best as { genome: number[] }).genome).toHaveLength(5);
  });
});
