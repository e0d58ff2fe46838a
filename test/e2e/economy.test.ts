// The economy rule, as a user with a Python simulator meets it: for a deterministic fitness each
// distinct genome of a run is evaluated once, whatever fails, hangs or straggles. The project
// lives outside the repository; its simulator appends one line per call to a log, and that log
// is the count: on embedded, a spawned local server, a `galapagos serve` server and a two-worker
// fleet.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedis, type TestRedis } from '../../packages/core/test-fixtures/redis.mjs';
import { writeCommandModule } from '../../packages/core/test-fixtures/user-project.mjs';
import { cli, linkCore, runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'galapagos-economy-'));
const log = join(dir, 'calls.log');
writeFileSync(
  join(dir, 'sim.py'),
  `import json, os, sys, time
genome = json.load(sys.stdin)
params = json.loads(os.environ.get("GALAPAGOS_PARAMS", "{}"))
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "calls.log"), "a") as log:
    log.write(genome + "\\n")
if params.get("fail") and int(genome, 2) % 5 == 0:
    print("diverged", file=sys.stderr)
    sys.exit(1)
# A few stragglers: genomes starting 11 take six times as long.
time.sleep(params.get("ms", 0) / 1000 * (6 if genome.startswith("11") else 1))
print(genome.count("1"))
`,
);
writeCommandModule(join(dir, 'problem.ts'), [
  {
    id: 'py-sim',
    genome: { kind: 'binary', length: 10 },
    objective: 'max',
    command: ['python3', 'sim.py'],
    params: {
      type: 'object',
      properties: {
        fail: { type: 'boolean', default: false },
        ms: { type: 'number', default: 0 },
      },
      additionalProperties: false,
    },
  },
]);
writeFileSync(
  join(dir, 'hang.ts'),
  `import { defineProblem } from '@galapagos/core';
export const problems = [
  defineProblem({
    id: 'js-hang',
    title: 'Hangs on some genomes',
    description: 'Never returns for genomes whose value is a multiple of 7.',
    params: { type: 'object', properties: {}, additionalProperties: false },
    timeoutMs: 1000,
    instantiate: () => ({
      genome: { kind: 'binary', length: 10 },
      objective: 'max',
      fitness: (g) => {
        if (parseInt(g as string, 2) % 7 === 0) for (;;) {}
        return [...(g as string)].filter((c) => c === '1').length;
      },
    }),
  }),
];
`,
);
linkCore(dir);

const children: ChildProcess[] = [];
let redis: TestRedis;
let servePort: number;
let spawnPort: number;

/** A process started from the CLI, ready once its stderr says `ready`. */
async function start(args: string[], ready: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: dir,
    env: { ...process.env, GALAPAGOS_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let said = '';
  const listen = (c: Buffer) => {
    said += c.toString();
  };
  child.stdout!.on('data', listen);
  child.stderr!.on('data', listen);
  const deadline = Date.now() + 60_000;
  while (!said.includes(ready)) {
    if (child.exitCode !== null) throw new Error(`${args[0]} exited ${child.exitCode}: ${said}`);
    if (Date.now() > deadline) throw new Error(`${args[0]} did not start: ${said}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return child;
}

beforeAll(async () => {
  redis = await startRedis();
  [servePort, spawnPort] = [await freePort(), await freePort()];
  await start(
    ['serve', '--port', String(servePort), '--threads', '2', '--problems', 'problem.ts'],
    'listening',
  );
  for (let i = 0; i < 2; i++)
    await start(
      [
        'worker',
        '--redis',
        redis.url,
        '--queue',
        'economy',
        '--threads',
        '2',
        '--problems',
        'problem.ts',
      ],
      'taking batches',
    );
}, 120_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await redis?.stop();
});

/** Writes the config, runs `galapagos run --json` on `target`, and reads the call log. */
async function runOn(target: string, run: object) {
  writeFileSync(
    join(dir, 'galapagos.config.json'),
    JSON.stringify({
      run: { problems: ['./problem.ts'], population: 16, generations: 4, seed: 3, ...run },
      targets: {
        embedded: { type: 'embedded', threads: 2 },
        local: { type: 'http', url: `http://127.0.0.1:${spawnPort}`, spawn: { threads: 2 } },
        serve: { type: 'http', url: `http://127.0.0.1:${servePort}` },
        fleet: { type: 'queue', url: redis.url, queue: 'economy' },
      },
    }),
  );
  writeFileSync(log, '');
  const result = await runCli(['run', '--target', target, '--json', '--no-checkpoint'], {
    cwd: dir,
  });
  if (result.code !== 0) throw new Error(`run on ${target} failed: ${result.stderr}`);
  const calls = readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);
  const json = JSON.parse(result.stdout) as {
    calls: { distinct: number; sent: number; requested: number };
    penalised: number;
    logbook: unknown[];
  };
  return { calls, distinct: new Set(calls).size, json, stderr: result.stderr };
}

describe('each distinct genome is evaluated once', () => {
  let logbook: unknown[] | undefined;
  for (const target of ['embedded', 'local', 'serve', 'fleet'])
    it(`with 20 % of genomes failing and a penalty, on ${target}`, async () => {
      const { calls, distinct, json } = await runOn(target, {
        problem: 'py-sim',
        params: { fail: true },
        onError: { penalty: -1 },
      });
      expect(json.penalised).toBeGreaterThan(0);
      expect(calls.length).toBe(distinct);
      expect(json.calls.sent).toBe(distinct);
      expect(json.calls.distinct).toBe(distinct);
      // The same run everywhere.
      logbook ??= json.logbook;
      expect(json.logbook).toEqual(logbook);
    }, 120_000);

  it('on a saturated 2-thread local server with stragglers, default dispatch', async () => {
    const { calls, distinct, json } = await runOn('local', {
      problem: 'py-sim',
      params: { ms: 40 },
    });
    expect(calls.length).toBe(distinct);
    expect(json.calls.sent).toBe(distinct);
  }, 120_000);
});

describe('a fitness that hangs', () => {
  it('fails each hanging genome at its timeoutMs, names it, and the run goes on', async () => {
    writeFileSync(
      join(dir, 'galapagos.config.json'),
      JSON.stringify({
        run: {
          problems: ['./hang.ts'],
          problem: 'js-hang',
          population: 16,
          generations: 3,
          seed: 3,
          onError: { penalty: -1 },
        },
        targets: { embedded: { type: 'embedded', threads: 2 } },
      }),
    );
    const started = performance.now();
    const result = await runCli(['run', '--json', '--no-checkpoint'], { cwd: dir });
    const elapsed = performance.now() - started;
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as {
      calls: { timedOut: number; distinct: number; sent: number };
    };
    const hanging = json.calls.timedOut;
    expect(hanging).toBeGreaterThan(0);
    expect(json.calls.sent).toBe(json.calls.distinct);
    expect(result.stderr).toMatch(
      /GALAPAGOS_ERR_EVALUATION_TIMEOUT: problem "js-hang", genome \d+ \([01]{10}\): ran past its 1000 ms deadline/,
    );
    // Hanging genomes cost their deadline, two threads at a time; the rest of the run (start-up
    // included) is allowed 5 s.
    expect(elapsed).toBeLessThan(3 * ((1000 * hanging) / 2 + 5000));
  }, 120_000);
});

describe('an interrupted run', () => {
  it('is saved on SIGINT without any flag, and galapagos run --resume finishes it as if never stopped', async () => {
    const run = { problem: 'py-sim', params: { ms: 60 }, population: 16, generations: 6 };
    // The uninterrupted run, for reference.
    const reference = await runOn('embedded', run);
    writeFileSync(log, '');
    const child = spawn(process.execPath, [cli, 'run', '--target', 'embedded'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
    });
    // Interrupted once generation 2 is logged, in the middle of the next.
    while (!/^\s+2\s/m.test(out)) {
      if (child.exitCode !== null) throw new Error(`run ended early: ${err}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(1);
    expect(err).toMatch(/GALAPAGOS_ERR_ABORTED: interrupted by SIGINT/);
    expect(err).toMatch(/the run is saved; resume it with: galapagos run --resume/);
    const resumed = await runCli(['run', '--resume', '--target', 'embedded', '--json'], {
      cwd: dir,
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    const json = JSON.parse(resumed.stdout) as { logbook: unknown[] };
    expect(json.logbook).toEqual(reference.json.logbook);
    // Only genomes in flight at the interrupt ran twice: at most one per thread.
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    expect(calls.length).toBeLessThanOrEqual(new Set(calls).size + 2);
    expect(new Set(calls).size).toBe(reference.distinct);
    // Finished now: nothing left to resume.
    const again = await runCli(['run', '--resume', '--target', 'embedded'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/no unfinished run to resume/);
  }, 120_000);
});

// Last in this file: it edits the simulator, which the servers above loaded as it was.
describe('a checkpoint made with other code', () => {
  it('is refused after the simulator changed, and resumed with --accept-code-change, recorded', async () => {
    writeFileSync(
      join(dir, 'galapagos.config.json'),
      JSON.stringify({
        run: { problems: ['./problem.ts'], problem: 'py-sim', population: 12, seed: 4 },
        targets: { embedded: { type: 'embedded', threads: 2 } },
      }),
    );
    const ck = join(dir, 'changed.json');
    const first = await runCli(['run', '--generations', '2', '--checkpoint', ck], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    writeFileSync(join(dir, 'helper.py'), '# a module beside the simulator, edited\n');
    const refused = await runCli(['run', '--resume', ck, '--generations', '4'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/GALAPAGOS_ERR_PROBLEM_MISMATCH: .*--accept-code-change/);
    const accepted = await runCli(
      ['run', '--resume', ck, '--generations', '4', '--accept-code-change', '--json'],
      { cwd: dir },
    );
    expect(accepted.code, accepted.stderr).toBe(0);
    const json = JSON.parse(accepted.stdout) as {
      logbook: unknown[];
      fingerprint: string;
      codeChanges: { generation: number; from: string; to: string }[];
    };
    expect(json.logbook).toHaveLength(5);
    expect(json.codeChanges).toEqual([
      { generation: 2, from: expect.stringMatching(/^sha256:/), to: json.fingerprint },
    ]);
    expect(json.codeChanges[0]!.from).not.toBe(json.fingerprint);
    const shown = await runCli(['run', '--resume', ck, '--generations', '5'], { cwd: dir });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/-- code changed after generation 2: sha256:\S+ -> sha256:\S+/);
  }, 120_000);
});
