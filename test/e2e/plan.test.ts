// galapagos plan against a local server, as a user runs it before a run: the predicted wall
// time is the model's arithmetic on the probe's recorded timings, and bad input is refused as
// for run. How close it comes to the run's wall time is measured by `pnpm bench plan`.
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
  it('predicts the wall time of the run on a local server from its probe, by the stated model', async () => {
    const file = await config();
    const plan = await runCli(['plan', '--config', file, '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    const predicted = JSON.parse(plan.stdout);
    expect(predicted).toMatchObject({ ok: true, target: 'local', generations: 10, usd: 0 });
    expect(predicted.lambdaConcurrency).toBeUndefined();
    // The local server's 8 threads, under the dispatcher's concurrency.
    expect(predicted.parallel).toBe(Math.min(8, predicted.probe.slots));
    const { probe, parallel } = predicted;
    const sent: number[] = predicted.shape.sent;
    expect(sent).toHaveLength(11);
    // A sleeping fitness answers no faster than its sleep, however busy the machine.
    expect(probe.firstRoundMs).toBeGreaterThanOrEqual(50);
    const subRounds = (n: number) => Math.ceil(n / parallel);
    const [first = 0, ...later] = sent;
    const perSubRound = probe.laterRoundMs / subRounds(probe.laterRoundGenomes);
    expect(predicted.wallMs).toBeCloseTo(
      (probe.firstRoundMs * subRounds(first)) / subRounds(probe.firstRoundGenomes) +
        later.reduce((sum, n) => sum + subRounds(n) * perSubRound, 0),
      6,
    );
    const run = await runCli(['run', '--config', file, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).logbook).toHaveLength(11);
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
