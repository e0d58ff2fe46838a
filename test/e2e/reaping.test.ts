// Programs end with their evaluation and are reaped: after runs with cancels and speculative
// duplicates, a `galapagos serve` has no <defunct> child and no program still running. The
// simulator is a Python program in a project outside the repository.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../packages/core/test-fixtures/redis.mjs';
import { writeCommandModule } from '../../packages/core/test-fixtures/user-project.mjs';
import { cli, linkCore, runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'galapagos-reaping-'));
writeFileSync(
  join(dir, 'sim.py'),
  `import json, sys, time
genome = json.load(sys.stdin)
# Stragglers: genomes starting 111 take ten times as long.
time.sleep(0.6 if genome.startswith("111") else 0.06)
print(genome.count("1"))
`,
);
writeCommandModule(join(dir, 'problem.ts'), [
  {
    id: 'py-slow',
    genome: { kind: 'binary', length: 10 },
    objective: 'max',
    command: ['python3', 'sim.py'],
  },
]);
linkCore(dir);

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly state: string;
  readonly command: string;
}

/** The server's own processes: `galapagos serve` runs it as a child; esbuild bundles modules. */
const OWN = new Set(['node', 'esbuild']);

/**
 * Every process below `pid` (children, their children, …) but the server's own: programs, and
 * zombies (`state` `Z`).
 */
function programsUnder(pid: number): Proc[] {
  const all: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const close = stat.lastIndexOf(')');
      const [state, ppid] = stat.slice(close + 2).split(' ');
      all.push({
        pid: Number(entry),
        ppid: Number(ppid),
        state: state!,
        command: stat.slice(stat.indexOf('(') + 1, close),
      });
    } catch {
      // Gone meanwhile.
    }
  }
  const below = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all)
      if (below.has(p.ppid) && !below.has(p.pid)) {
        below.add(p.pid);
        grew = true;
      }
  }
  return all.filter(
    (p) => p.pid !== pid && below.has(p.pid) && !(OWN.has(p.command) && p.state !== 'Z'),
  );
}

let server: ChildProcess;
let url: string;

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = spawn(
    process.execPath,
    [cli, 'serve', '--port', String(port), '--threads', '4', '--problems', 'problem.ts'],
    {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, GALAPAGOS_RUNS_DIR: join(dir, 'runs') },
    },
  );
  for (let i = 0; ; i++) {
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 300 || server.exitCode !== null) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}, 60_000);

afterAll(() => {
  server?.kill('SIGTERM');
});

/** The server's children once its work has settled: no program, no zombie. */
async function settledChildren() {
  let children = programsUnder(server.pid!);
  for (let i = 0; i < 50 && children.length > 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    children = programsUnder(server.pid!);
  }
  return children;
}

describe('programs end with their evaluation', () => {
  it('leaves no program and no <defunct> child after runs are cancelled mid-generation', async () => {
    for (let i = 0; i < 2; i++) {
      const submitted = await fetch(`${url}/v1/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          run: { problem: 'py-slow', population: 16, generations: 50, seed: i },
        }),
      });
      expect(submitted.status).toBe(202);
      const { id } = (await submitted.json()) as { id: string };
      // Mid-generation: programs are running when the run is cancelled.
      for (
        let j = 0;
        j < 100 && !programsUnder(server.pid!).some((c) => c.command === 'python3');
        j++
      )
        await new Promise((r) => setTimeout(r, 20));
      expect(programsUnder(server.pid!).some((c) => c.command === 'python3')).toBe(true);
      const cancelled = await fetch(`${url}/v1/runs/${id}`, { method: 'DELETE' });
      expect(cancelled.status).toBe(200);
    }
    expect(await settledChildren()).toEqual([]);
  }, 60_000);

  it('leaves none after a run whose straggling batches got speculative duplicates', async () => {
    writeFileSync(
      join(dir, 'galapagos.config.json'),
      JSON.stringify({
        run: {
          problem: 'py-slow',
          problems: ['./problem.ts'],
          population: 16,
          generations: 3,
          seed: 2,
        },
        // Two addresses of the server: duplicates go out, and the losers are cancelled.
        dispatch: { batchSize: 2, speculate: { factor: 1.5, minMs: 50 } },
        targets: { both: { type: 'http', urls: [url, url.replace('127.0.0.1', 'localhost')] } },
      }),
    );
    const r = await runCli(['run', '--json', '--no-checkpoint'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { speculated: number };
    expect(result.speculated).toBeGreaterThan(0);
    expect(await settledChildren()).toEqual([]);
  }, 60_000);
});
