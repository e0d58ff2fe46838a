// An external program as the fitness, as a user's module declares it (outside the repository).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvaluationPool, type EvaluationPool } from '../../dist/runtime/index.js';
import { exists } from '../../test-fixtures/processes.mjs';
import { writeUserProject } from '../../test-fixtures/user-project.mjs';

const project = writeUserProject();
const programs = join(project.dir, 'programs.ts');
writeFileSync(
  programs,
  `import { defineCommandProblem } from '@galapagos/core/runtime';
const common = { genome: { kind: 'binary', length: 4 }, objective: 'max', cwd: import.meta.dirname } as const;
export const problems = [
  defineCommandProblem({ ...common, id: 'py-crash', command: ['python3', 'sim.py'], params: { type: 'object', properties: { crash_on_ones: { type: 'boolean', default: true } } } }),
  defineCommandProblem({ ...common, id: 'garbage', command: ['sh', '-c', 'echo "fitness: high"'] }),
  defineCommandProblem({ ...common, id: 'slow', command: ['sh', '-c', 'sleep 5; echo 1'], timeoutMs: 200 }),
  defineCommandProblem({ ...common, id: 'forever', command: ['sh', '-c', 'echo $$ > pid; exec sleep 60'] }),
  defineCommandProblem({ ...common, id: 'py-batch', mode: 'batch', command: ['python3', '-c', 'import json,sys; print(json.dumps([g.count("1") for g in json.load(sys.stdin)]))'] }),
];
`,
);

describe('external programs as fitness', () => {
  let pool: EvaluationPool;
  beforeAll(async () => {
    pool = await createEvaluationPool({ threads: 2, problemModules: [project.python, programs] });
  });
  afterAll(() => pool.close());

  it('run once per genome, the genome as JSON on stdin and the fitness on stdout', async () => {
    expect(
      await pool.evaluate({ problem: 'py-onemax', genomes: ['000000000000', '101010101011'] }),
    ).toEqual([0, 7]);
  });

  it('run once per chunk in batch mode', async () => {
    expect(await pool.evaluate({ problem: 'py-batch', genomes: ['0000', '0111', '1111'] })).toEqual(
      [0, 3, 4],
    );
  });

  it('turn a crash into a coded failure with the genome index and the end of stderr', async () => {
    const error = await pool
      .evaluate({ problem: 'py-crash', genomes: ['0001', '1111'] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'GALAPAGOS_ERR_EVALUATION_FAILED' });
    expect((error as Error).message).toMatch(
      /problem "py-crash", genome 1 \(.*\): fitness threw: python3 sim.py exited with code 3; stderr: simulator diverged/,
    );
    // Its params reach the program: without crash_on_ones the same genome is fine.
    expect(
      await pool.evaluate({
        problem: 'py-crash',
        params: { crash_on_ones: false },
        genomes: ['1111'],
      }),
    ).toEqual([4]);
  });

  it('refuse output that is not a number', async () => {
    await expect(pool.evaluate({ problem: 'garbage', genomes: ['0000'] })).rejects.toThrow(
      /genome 0 \(.*\): fitness threw: .* printed "fitness: high", not a finite number/,
    );
  });

  it('kill a program that outlives its timeout', async () => {
    const started = performance.now();
    await expect(pool.evaluate({ problem: 'slow', genomes: ['0000'] })).rejects.toMatchObject({
      code: 'GALAPAGOS_ERR_EVALUATION_TIMEOUT',
      message: expect.stringMatching(/genome 0 \(0000\): ran past its 200 ms deadline/),
    });
    expect(performance.now() - started).toBeLessThan(4000);
  });

  it('end the program of an abandoned evaluation', async () => {
    const evaluation = pool.evaluate(
      { problem: 'forever', genomes: ['0000'] },
      { signal: AbortSignal.timeout(500) },
    );
    await expect(evaluation).rejects.toMatchObject({ code: 'GALAPAGOS_ERR_ABORTED' });
    const pid = Number(readFileSync(join(project.dir, 'pid'), 'utf8'));
    // Killed and reaped by its thread before the thread is ended: not even a <defunct> entry.
    const running = () => exists(pid);
    for (let i = 0; i < 50 && running(); i++) await sleep(50);
    expect(running()).toBe(false);
  });

  it('fingerprint the program file too', async () => {
    const before = pool.registry.fingerprint('py-onemax');
    writeFileSync(
      join(project.dir, 'sim.py'),
      `${readFileSync(join(project.dir, 'sim.py'), 'utf8')}\n# edited\n`,
    );
    const other = await createEvaluationPool({ threads: 1, problemModules: [project.python] });
    try {
      expect(other.registry.fingerprint('py-onemax')).not.toBe(before);
    } finally {
      await other.close();
    }
  });
});
