// galapagos run --seeds: one config over many seeds, each run as it would be alone.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectWithServer, runCli } from './helpers.js';

let project: Awaited<ReturnType<typeof projectWithServer>>;
let dir: string;
beforeAll(async () => {
  project = await projectWithServer(
    {
      problem: 'onemax',
      params: { length: 24 },
      population: 24,
      generations: 10,
      algorithm: { name: 'mu-plus-lambda', lambda: 30 },
      cxpb: 0.6,
      mutpb: 0.3,
    },
    { embedded: 2, server: 2 },
  );
  dir = project.dir;
}, 60_000);
afterAll(() => project.close());

type Experiment = {
  runs: { seed: number; best: unknown; logbook: unknown; stoppedBy: string }[];
  summary: { seeds: number; target: number; successes: number; bestMean: number };
};

describe('--seeds', () => {
  it.each(['here', 'server'])(
    'runs each seed on target %s exactly as that seed alone',
    async (target) => {
      const all = await runCli(['run', '--target', target, '--seeds', '1..3,7', '--json'], {
        cwd: dir,
      });
      expect(all.code, all.stderr).toBe(0);
      const experiment = JSON.parse(all.stdout) as Experiment;
      expect(experiment.runs.map((r) => r.seed)).toEqual([1, 2, 3, 7]);
      for (const seed of [1, 7]) {
        const alone = await runCli(['run', '--target', target, '--seed', String(seed), '--json'], {
          cwd: dir,
        });
        const single = JSON.parse(alone.stdout) as { best: unknown; logbook: unknown };
        const inExperiment = experiment.runs.find((r) => r.seed === seed)!;
        expect(inExperiment.logbook).toEqual(single.logbook);
        expect(inExperiment.best).toEqual(single.best);
      }
      expect(experiment.summary).toMatchObject({ seeds: 4, target: 24 });
    },
    120_000,
  );

  it('operator and algorithm flags give the run their config-file settings give', async () => {
    const byFlags = await runCli(
      [
        'run',
        '--algorithm',
        'mu-comma-lambda',
        '--lambda',
        '36',
        '--selection',
        'selBest',
        '--crossover',
        'cxUniform',
        '--mutation',
        'mutFlipBit',
        '--json',
      ],
      { cwd: dir },
    );
    const file = join(dir, 'explicit.json');
    await writeFile(
      file,
      JSON.stringify({
        run: {
          problem: 'onemax',
          params: { length: 24 },
          population: 24,
          generations: 10,
          algorithm: { name: 'mu-comma-lambda', lambda: 36 },
          selection: { name: 'selBest' },
          crossover: { name: 'cxUniform', indpb: 0.5 },
          mutation: { name: 'mutFlipBit' },
          cxpb: 0.6,
          mutpb: 0.3,
        },
        targets: { here: { type: 'embedded', workers: 2 } },
      }),
    );
    const byFile = await runCli(['run', '--config', file, '--json'], { cwd: dir });
    expect(byFlags.code, byFlags.stderr).toBe(0);
    expect(JSON.parse(byFlags.stdout).logbook).toEqual(JSON.parse(byFile.stdout).logbook);
    const unknown = await runCli(['run', '--crossover', 'cxFancy'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/\/run\/crossover\/name: must be one of cxOnePoint/);
  });

  it('prints the per-seed table and the summary a paper reports', async () => {
    const { code, stdout } = await runCli(['run', '--seeds', '1..4'], { cwd: dir });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\s+seed\s+best\s+evaluations\s+to target\s+stopped by$/m);
    expect(stdout).toMatch(/best \(maximised\): mean [\d.]+ ± [\d.]+ \(sd\), median [\d.]+/);
    expect(stdout).toMatch(/success \(reaching 24\): \d\/4/);
  });

  it.each([
    [['--seeds', '5..1'], /not a range/],
    [['--seeds', '1,x'], /neither a seed nor a range/],
    [['--seeds', '1..3', '--seed', '2'], /cannot be combined with --seed/],
  ])('refuses %j with exit 2', async (flags, reason) => {
    const { code, stderr } = await runCli(['run', ...flags], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toMatch(reason);
  });
});
