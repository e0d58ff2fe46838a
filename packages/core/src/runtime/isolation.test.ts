// Each genome's outcome on its own: failures, hangs and lost threads fail one genome, never its
// neighbours, and nothing is evaluated twice. A user's module written outside the repository.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvaluationPool, type EvaluationPool } from '../../dist/runtime/index.js';
import { exists } from '../../test-fixtures/processes.mjs';
import { writeUserProject } from '../../test-fixtures/user-project.mjs';

const project = writeUserProject();
const log = join(project.dir, 'calls.log');
const pids = join(project.dir, 'pids.log');
const module = join(project.dir, 'misbehaving.ts');
writeFileSync(
  module,
  `import { appendFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { defineProblem } from '@galapagos/core';
const base = { title: 't', description: 'd', params: { type: 'object', properties: {} } } as const;
const genome = { kind: 'binary', length: 4 } as const;
const ones = (g: string) => [...g].filter((c) => c === '1').length;
export const problems = [
  defineProblem({
    ...base,
    id: 'moody',
    timeoutMs: 300,
    instantiate: () => ({
      genome,
      objective: 'max',
      fitness: async (g) => {
        appendFileSync(${JSON.stringify(log)}, g + '\\n');
        if (g === '1111') for (;;) {}
        if (g === '1110') return new Promise<number>(() => {});
        if (g === '0111') throw new Error('diverged');
        if (g === '0011') process.exit(7);
        return ones(g as string);
      },
    }),
  }),
  defineProblem({
    ...base,
    id: 'spawner',
    timeoutMs: 300,
    instantiate: () => ({
      genome,
      objective: 'max',
      fitness: (g) => {
        const child = spawn('sleep', [g === '1111' ? '60' : '0.05'], { stdio: 'ignore' });
        appendFileSync(${JSON.stringify(pids)}, child.pid + '\\n');
        return g === '1111' ? new Promise<number>(() => {}) : new Promise<number>((done) => child.on('exit', () => done(ones(g as string))));
      },
    }),
  }),
];
`,
);

const all = Array.from({ length: 16 }, (_, i) => i.toString(2).padStart(4, '0'));

describe('each genome fails alone', () => {
  let pool: EvaluationPool;
  beforeAll(async () => {
    pool = await createEvaluationPool({ threads: 2, problemModules: [module] });
  });
  afterAll(() => pool.close());

  it('keeps every other genome when some throw, hang, never answer or kill their thread, and runs none twice', async () => {
    writeFileSync(log, '');
    const started = performance.now();
    const { fitness, failures } = await pool.evaluateEach({ problem: 'moody', genomes: all });
    const elapsed = performance.now() - started;
    const bad = new Set(['1111', '1110', '0111', '0011']);
    for (const [i, g] of all.entries())
      expect(fitness[i]).toBe(bad.has(g) ? null : [...g].filter((c) => c === '1').length);
    expect(failures.map((f) => [all[f.index], f.code])).toEqual([
      ['0011', 'GALAPAGOS_ERR_EVALUATION_FAILED'],
      ['0111', 'GALAPAGOS_ERR_EVALUATION_FAILED'],
      ['1110', 'GALAPAGOS_ERR_EVALUATION_TIMEOUT'],
      ['1111', 'GALAPAGOS_ERR_EVALUATION_TIMEOUT'],
    ]);
    expect(failures[2]!.message).toMatch(/genome 14 \(1110\): ran past its 300 ms deadline/);
    expect(failures[0]!.message).toMatch(/genome 3 \(0011\): its worker thread died/);
    // Every genome called once: no neighbour of a failure was sent again.
    const calls = readFileSync(log, 'utf8').trim().split('\n').sort();
    expect(calls).toEqual([...all].sort());
    // Two hangs of 300 ms on two threads: well under the 16 × 300 ms of hanging in turn.
    expect(elapsed).toBeLessThan(4000);
  });

  it('takes a run-level deadline over the problem’s own', async () => {
    const { failures } = await pool.evaluateEach({
      problem: 'moody',
      genomes: ['1110', '0001'],
      timeoutMs: 50,
    });
    expect(failures).toEqual([
      expect.objectContaining({ index: 0, message: expect.stringMatching(/50 ms deadline/) }),
    ]);
  });

  it('fails the whole request with the first failure through evaluate', async () => {
    await expect(
      pool.evaluate({ problem: 'moody', genomes: ['0001', '0111'] }),
    ).rejects.toMatchObject({
      code: 'GALAPAGOS_ERR_EVALUATION_FAILED',
      message: expect.stringMatching(/genome 1 \(0111\): fitness threw: diverged/),
    });
  });

  it('ends and reaps the processes a JavaScript fitness starts when its thread is ended', async () => {
    writeFileSync(pids, '');
    const { fitness, failures } = await pool.evaluateEach({
      problem: 'spawner',
      genomes: ['1111', '0000'],
      timeoutMs: 300,
    });
    expect(failures.map((f) => f.code)).toEqual(['GALAPAGOS_ERR_EVALUATION_TIMEOUT']);
    expect(fitness[1]).toBe(0);
    const started = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    expect(started.length).toBe(2);
    // Killed and reaped: no process, not even a <defunct> one.
    for (let i = 0; i < 40 && started.some(exists); i++) await sleep(50);
    expect(started.filter(exists)).toEqual([]);
  });
});
