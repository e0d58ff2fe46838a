// A checkpoint is input: one edited after it was written is refused on resume (its digest), and
// a state without a record (older, or made by hand) with the path of the first bad field, on
// every target alike, never continued into nonsense.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'galapagos-checkpoint-'));
const config = join(dir, 'galapagos.config.json');
const checkpoint = join(dir, 'state.json');
let state: Record<string, unknown> & {
  population: { genome: string; fitness: unknown }[];
  config: Record<string, unknown>;
};

beforeAll(async () => {
  writeFileSync(
    config,
    JSON.stringify({
      run: run({ generations: 2 }),
      targets: { e: { type: 'embedded', workers: 2 } },
    }),
  );
  const first = await runCli(['run', '--config', config, '--checkpoint', checkpoint, '--json']);
  expect(first.code, first.stderr).toBe(0);
  state = JSON.parse(readFileSync(checkpoint, 'utf8'));
});

const resumeEdited = async (edit: (s: typeof state) => void, keepRecord = false) => {
  const copy = structuredClone(state);
  if (!keepRecord) delete copy.checkpoint;
  edit(copy);
  const file = join(dir, `edited-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(copy));
  return runCli(['run', '--config', config, '--generations', '4', '--resume', file, '--json']);
};

describe('resuming an edited checkpoint', () => {
  it('continues an untouched one', async () => {
    const { code, stderr } = await resumeEdited(() => {}, true);
    expect(code, stderr).toBe(0);
  });

  it('refuses one whose seed was changed, so no result reports a seed its logbook did not come from', async () => {
    expect(state.checkpoint).toMatchObject({ digest: expect.stringMatching(/^sha256:/) });
    const { code, stdout } = await resumeEdited((s) => {
      s.config.seed = 999;
    }, true);
    expect(code).toBe(2);
    const { error } = JSON.parse(stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe('GALAPAGOS_ERR_CHECKPOINT');
    expect(error.message).toMatch(/changed after it was written/);
  });

  it.each([
    [
      'a genome outside the alphabet',
      (s: typeof state) => {
        s.population[0]!.genome = '2'.repeat(24);
      },
      /\/population\/0\/genome/,
    ],
    [
      'a fitness turned into a string',
      (s: typeof state) => {
        s.population[1]!.fitness = '45';
      },
      /\/population\/1\/fitness: must be a finite number or null/,
    ],
    [
      'a deleted operator',
      (s: typeof state) => {
        delete s.config.selection;
      },
      /\/config\/selection/,
    ],
    [
      'an unknown crossover',
      (s: typeof state) => {
        s.config.crossover = { name: 'cxNope' };
      },
      /\/config/,
    ],
    [
      'a logbook value that is not a number',
      (s: typeof state) => {
        (s.logbook as Record<string, unknown>[])[0]!.max = 'high';
      },
      /\/logbook\/0\/max/,
    ],
  ])(
    'refuses a state without a record holding %s with GALAPAGOS_ERR_CHECKPOINT, the path, and exit 2',
    async (_what, edit, path) => {
      const { code, stdout } = await resumeEdited(edit);
      expect(code).toBe(2);
      const { error } = JSON.parse(stdout) as { error: { code: string; message: string } };
      expect(error.code).toBe('GALAPAGOS_ERR_CHECKPOINT');
      expect(error.message).toMatch(path);
    },
  );
});
