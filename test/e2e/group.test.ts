// A group target and a plan with the user's own module (written outside the repository): a
// local server started for the run first, the embedded pool for the overflow. Both members
// evaluate, the logbook is the embedded one, and plan checks the module's fingerprint on the
// group's members before probing it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@galapagos/client';
import { describe, expect, it } from 'vitest';
import { writeUserProject } from '../../packages/core/test-fixtures/user-project.mjs';
import { outcome, runCli } from './helpers.js';

describe("a group with the user's module", () => {
  it('sends batches to both members and gives the embedded logbook; plan probes the group', async () => {
    const project = writeUserProject();
    const file = join(project.dir, 'group.config.json');
    writeFileSync(
      file,
      JSON.stringify({
        run: {
          problem: 'curve-fit',
          problems: ['./fitness.ts'],
          population: 24,
          generations: 6,
          seed: 5,
          cost: { ms: 20, mode: 'sleep' },
        },
        dispatch: { concurrency: 8, speculate: false },
        targets: {
          server: {
            type: 'http',
            url: `http://127.0.0.1:${await freePort()}`,
            spawn: { workers: 2 },
          },
          here: { type: 'embedded', workers: 2 },
          both: { type: 'group', members: ['server', 'here'], maxInFlight: { server: 2 } },
        },
      }),
    );
    const alone = await runCli(['run', '--config', file, '--target', 'here', '--json']);
    expect(alone.code, alone.stderr).toBe(0);
    const grouped = await runCli(['run', '--config', file, '--target', 'both', '--json']);
    expect(grouped.code, grouped.stderr).toBe(0);
    const result = JSON.parse(grouped.stdout);
    expect(outcome(result)).toBe(outcome(JSON.parse(alone.stdout)));
    expect(result.fingerprint).toBe(JSON.parse(alone.stdout).fingerprint);
    const [server, here] = result.members;
    expect(server).toMatchObject({ name: 'server', failures: 0 });
    expect(server.genomes).toBeGreaterThan(0);
    expect(here.genomes).toBeGreaterThan(0);
    expect(Object.keys(result.spend.members)).toEqual(['server', 'here']);
    expect(result.cost).toEqual(result.spend);
    const plan = await runCli(['plan', '--config', file, '--target', 'both', '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout)).toMatchObject({ ok: true, target: 'both', generations: 6 });
  });
});
