// galapagos plan against Lambda under serverless-offline: the plan states what it assumes, its
// probe measured real rounds, and its wall time is the model's arithmetic on those recorded
// timings. How close the prediction comes to a real run is a wall-clock figure that a busy
// machine moves, so it is measured by `pnpm bench plan`, not asserted here.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, type startOffline, startOfflineWithCredentials } from './helpers.js';

let offline: Awaited<ReturnType<typeof startOffline>>;

beforeAll(async () => {
  offline = await startOfflineWithCredentials();
});
afterAll(() => offline?.stop());

const cliJson = async (args: string[]) =>
  JSON.parse(
    (await promisify(execFile)(process.execPath, [cli, ...args], { env: process.env })).stdout,
  );

const COST_MS = 60;
const CONCURRENCY = 6;
const COLD_START_MS = 250;

describe('galapagos plan on Lambda (serverless-offline)', () => {
  it('predicts from its probe by the stated model, and states its assumptions and cost', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'galapagos-plan-'));
    const config = join(dir, 'galapagos.config.json');
    await writeFile(
      config,
      JSON.stringify({
        run: {
          problem: 'sphere',
          population: 24,
          generations: 8,
          seed: 2,
          cost: { ms: COST_MS, mode: 'sleep' },
        },
        dispatch: { concurrency: CONCURRENCY, speculate: false },
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
    const plan = await cliJson(['plan', '--config', config, '--json']);
    expect(plan).toMatchObject({ ok: true, target: 'lambda', generations: 8 });
    expect(plan.lambdaConcurrency).toBe(CONCURRENCY);
    expect(plan.parallel).toBe(CONCURRENCY);
    expect(plan.usd).toBeGreaterThan(0);
    expect(plan.assumptions.join('\n')).toMatch(/account concurrency of 1000/);
    expect(plan.assumptions.join('\n')).toMatch(/1000 environments per 10 s/);
    expect(plan.assumptions.join('\n')).toMatch(/cold start/);

    // The shape: every generation of the run, the first one whole.
    const { sent, asked } = plan.shape as { sent: number[]; asked: number[] };
    expect(asked).toHaveLength(9);
    expect(asked[0]).toBe(24);
    expect(sent.reduce((a, b) => a + b, 0)).toBe(plan.sent);
    expect(asked.reduce((a, b) => a + b, 0)).toBe(plan.evaluations);

    // The probe measured real rounds: a sleeping fitness cannot answer faster than its sleep,
    // however idle or busy the machine.
    const { probe } = plan;
    expect(probe.firstRoundGenomes).toBe(24);
    expect(probe.firstMs).toBeGreaterThanOrEqual(COST_MS);
    expect(probe.firstRoundMs).toBeGreaterThanOrEqual(COST_MS);
    expect(probe.laterRoundMs).toBeGreaterThanOrEqual(COST_MS);

    // The model (client README, "Plan"), on the probe's recorded timings.
    const subRounds = (n: number) => Math.ceil(n / CONCURRENCY);
    const [first = 0, ...later] = sent;
    const perSubRound = probe.laterRoundMs / subRounds(probe.laterRoundGenomes);
    const expected =
      (probe.firstRoundMs * subRounds(first)) / subRounds(probe.firstRoundGenomes) +
      later.reduce((sum, n) => sum + subRounds(n) * perSubRound, 0) +
      COLD_START_MS;
    expect(plan.wallMs).toBeCloseTo(expected, 6);
    expect(plan.evalsPerSecond).toBeCloseTo(plan.evaluations / (plan.wallMs / 1000), 6);
    expect(plan.usd).toBeCloseTo(plan.sent * probe.usdPerGenome, 12);

    // The run it plans for goes through on the same target.
    const run = await cliJson(['run', '--config', config, '--json']);
    expect(run).toMatchObject({ ok: true, target: 'lambda', stoppedBy: 'generations' });
    expect(run.logbook).toHaveLength(9);
  });
});
