// Asynchronous steady-state runs: reproducible on any target by replaying their recorded order,
// and resumable from a checkpoint exactly.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, projectWithServer, runCli } from './helpers.js';

let project: Awaited<ReturnType<typeof projectWithServer>>;
let dir: string;
beforeAll(async () => {
  project = await projectWithServer(
    {
      problem: 'onemax',
      params: { length: 30 },
      population: 20,
      generations: 8,
      algorithm: { name: 'steady-state' },
      cost: { ms: 15, mode: 'sleep', sigma: 1 },
      seed: 6,
    },
    { embedded: 4, server: 3 },
  );
  dir = project.dir;
}, 60_000);
afterAll(() => project.close());

const parse = (stdout: string) =>
  JSON.parse(stdout) as {
    logbook: unknown[];
    best: unknown;
    replay: { order: number[]; inFlight: number };
    utilisation?: number;
  };

describe('steady-state', () => {
  it('replays a run made embedded on a server, identically', async () => {
    const first = await runCli(['run', '--json'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const a = parse(first.stdout);
    expect(a.logbook).toHaveLength(9);
    expect(a.replay.inFlight).toBe(4);
    expect(a.utilisation).toBeGreaterThan(0);
    await writeFile(join(dir, 'first.json'), first.stdout);
    const again = await runCli(
      ['run', '--target', 'server', '--replay', join(dir, 'first.json'), '--json'],
      { cwd: dir },
    );
    expect(again.code, again.stderr).toBe(0);
    const b = parse(again.stdout);
    expect(JSON.stringify([b.logbook, b.best, b.replay])).toBe(
      JSON.stringify([a.logbook, a.best, a.replay]),
    );
  }, 120_000);

  it('resumes a checkpoint after SIGKILL and, replayed, ends as the uninterrupted run', async () => {
    const whole = await runCli(['run', '--json'], { cwd: dir });
    await writeFile(join(dir, 'whole.json'), whole.stdout);
    const checkpoint = join(dir, 'state.json');
    const child = spawn(
      process.execPath,
      [cli, 'run', '--checkpoint', checkpoint, '--replay', join(dir, 'whole.json')],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    await new Promise<void>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        stdout += c;
        if (/^\s+3\s/m.test(stdout)) resolve();
      });
    });
    child.kill('SIGKILL');
    await once(child, 'exit');
    const resumed = await runCli(
      ['run', '--resume', checkpoint, '--replay', join(dir, 'whole.json'), '--json'],
      { cwd: dir },
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    const [a, b] = [parse(whole.stdout), parse(resumed.stdout)];
    expect(JSON.stringify([b.logbook, b.best, b.replay])).toBe(
      JSON.stringify([a.logbook, a.best, a.replay]),
    );
  }, 120_000);

  it('refuses to replay what is not a steady-state run', async () => {
    await writeFile(join(dir, 'plain.json'), JSON.stringify({ ok: true, logbook: [] }));
    const { code, stderr } = await runCli(['run', '--replay', join(dir, 'plain.json')], {
      cwd: dir,
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/holds no steady-state run's order/);
  });
});
