// galapagos plan against a local server, as a user runs it before a run: the predicted wall
// time must be within 20 % of the run's, and bad input must be refused as for run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@galapagos/client';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

async function config(dispatch: object = { speculate: false }) {
  const dir = mkdtempSync(join(tmpdir(), 'galapagos-plan-'));
  const file = join(dir, 'galapagos.config.json');
  writeFileSync(
    file,
    JSON.stringify({
      run: {
        problem: 'sphere',
        population: 32,
        generations: 10,
        seed: 3,
        cost: { ms: 50, mode: 'sleep' },
      },
      dispatch,
      targets: {
        local: {
          type: 'http',
          url: `http://127.0.0.1:${await freePort()}`,
          spawn: { workers: 8 },
        },
      },
    }),
  );
  return file;
}

describe('galapagos plan', () => {
  it('predicts the wall time of the run on a local server within 20 %', async () => {
    const file = await config();
    const plan = await runCli(['plan', '--config', file, '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    const predicted = JSON.parse(plan.stdout);
    expect(predicted).toMatchObject({ ok: true, target: 'local', generations: 10, usd: 0 });
    expect(predicted.lambdaConcurrency).toBeUndefined();
    const run = await runCli(['run', '--config', file, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const measured = JSON.parse(run.stdout).elapsedMs;
    const ratio = predicted.wallMs / measured;
    const says = `plan ${predicted.wallMs.toFixed(0)} ms, run ${measured.toFixed(0)} ms`;
    expect(ratio, says).toBeGreaterThan(0.8);
    expect(ratio, says).toBeLessThan(1.2);
    // --evaluations plans that many instead of the generations.
    const more = await runCli(['plan', '--config', file, '--evaluations', '1000', '--json']);
    // Whole generations, until 1000 evaluations are reached.
    expect(JSON.parse(more.stdout).evaluations).toBeGreaterThanOrEqual(1000);
    expect(JSON.parse(more.stdout).evaluations).toBeLessThan(1000 + 32);
    expect(JSON.parse(more.stdout).wallMs).toBeGreaterThan(predicted.wallMs);
  });

  it('prints the plan and its assumptions, and refuses a bad config with exit 2', async () => {
    const file = await config();
    const text = await runCli(['plan', '--config', file]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^plan for target local .*: sphere, population 32, 10 generations/);
    expect(text.stdout).toMatch(/^ {2}wall time {6}\d/m);
    expect(text.stdout).toMatch(/^assumptions:\n {2}- every generation runs/m);
    const bad = await runCli(['plan', '--config', file, '--population', '1']);
    expect(bad.code).toBe(2);
  });
});
