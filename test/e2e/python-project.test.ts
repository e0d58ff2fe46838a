// `galapagos init --python`, then the run a newcomer makes: the simulator it writes runs kept
// alive, one per thread, on the embedded target and through a spawned local server.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

describe('galapagos init --python', () => {
  it('writes a simulator project that runs as written, on embedded and a local server', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'galapagos-init-')), 'wing');
    const init = await runCli(['init', '--python', dir]);
    expect(init.code, init.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([
      'README.md',
      'galapagos.config.json',
      'problem.ts',
      'simulate.py',
    ]);
    expect(readFileSync(join(dir, 'problem.ts'), 'utf8')).toMatch(/mode: 'persistent'/);
    const embedded = await runCli(['run', '--generations', '3', '--json'], { cwd: dir });
    expect(embedded.code, embedded.stderr).toBe(0);
    const result = JSON.parse(embedded.stdout) as {
      problem: string;
      best: { fitness: number };
      calls: { distinct: number; sent: number };
      logbook: unknown[];
    };
    expect(result.problem).toBe('wing');
    expect(result.best.fitness).toBeGreaterThan(0);
    expect(result.calls.sent).toBe(result.calls.distinct);
    // The simulator's log line is passed on, not taken as an answer.
    expect(embedded.stderr).toMatch(/\[python3 simulate.py\] simulator ready/);
    const local = await runCli(
      ['run', '--generations', '3', '--json', '--target', 'local', '--no-checkpoint'],
      { cwd: dir },
    );
    expect(local.code, local.stderr).toBe(0);
    expect((JSON.parse(local.stdout) as { logbook: unknown[] }).logbook).toEqual(result.logbook);
  }, 120_000);
});
