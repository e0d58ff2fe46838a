// Problem modules as a user writes them, in a folder outside the repository (see the fixture).
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundleProblemModule,
  createEvaluationPool,
  type EvaluationPool,
  loadProblemModules,
} from '../../dist/runtime/index.js';
import { writeUserProject } from '../../test-fixtures/user-project.mjs';

const project = writeUserProject();

describe('problem modules', () => {
  it('load a TypeScript module with an npm package, a local import and plain JSON Schema params', async () => {
    const { registry } = await loadProblemModules([project.fitness]);
    const resolved = registry.resolve('curve-fit');
    expect(resolved.params).toEqual({ degree: 2 });
    expect(resolved.instance.genome).toEqual({ kind: 'real', length: 3, low: -5, high: 5 });
    // 1 + x²  fits the points exactly but for (2, 5): 0 error there as well; (3, 10) too.
    expect(await resolved.instance.fitness([1, 0, 1])).toBe(0);
    expect(await resolved.instance.fitness([0, 0, 0])).toBe(4 + 1 + 4 + 25 + 100);
    const summary = registry.summaries().find((s) => s.id === 'curve-fit');
    expect(summary?.genome).toEqual({ kind: 'real', length: 3, low: -5, high: 5 });
    expect(registry.resolve('curve-fit', { degree: 4 }).instance.genome.length).toBe(5);
  });

  it('give a fingerprint that is stable for the same code and changes with any input file', async () => {
    const a = (await loadProblemModules([project.fitness])).registry.fingerprint('curve-fit');
    const b = (await loadProblemModules([project.fitness])).registry.fingerprint('curve-fit');
    const other = writeUserProject();
    const c = (await loadProblemModules([other.fitness])).registry.fingerprint('curve-fit');
    expect(a).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(b).toBe(a);
    // The same files in another folder: the same fingerprint (paths do not count).
    expect(c).toBe(a);
    appendFileSync(join(other.dir, 'data.ts'), '// a comment is a change too\n');
    const d = (await loadProblemModules([other.fitness])).registry.fingerprint('curve-fit');
    expect(d).not.toBe(a);
    appendFileSync(join(other.dir, 'node_modules/curve-tools/index.js'), '// patched\n');
    const e = (await loadProblemModules([other.fitness])).registry.fingerprint('curve-fit');
    expect(e).not.toBe(d);
  });

  it('ship as one portable bundle that loads without esbuild or the sources', async () => {
    const outDir = join(project.dir, 'package');
    const bundle = await bundleProblemModule(project.fitness, { outDir, portable: true });
    expect(bundle.file).toBe(join(outDir, 'fitness.mjs'));
    expect(readFileSync(bundle.file, 'utf8')).toMatch(/^\/\/ galapagos-problem-bundle sha256:/);
    const again = await bundleProblemModule(bundle.file);
    expect(again).toMatchObject({ file: bundle.file, codeHash: bundle.codeHash });
    const fromBundle = (await loadProblemModules([bundle.file])).registry;
    const fromSource = (await loadProblemModules([project.fitness])).registry;
    expect(fromBundle.fingerprint('curve-fit')).toBe(fromSource.fingerprint('curve-fit'));
  });

  it.each([
    ['a missing file', 'missing.ts', 'GALAPAGOS_ERR_PROBLEM_MODULE', /cannot be read \(ENOENT\)/],
    ['a syntax error', 'syntax.ts', 'GALAPAGOS_ERR_PROBLEM_MODULE', /does not build: syntax.ts:1/],
    ['a throw at import', 'throws.mjs', 'GALAPAGOS_ERR_PROBLEM_MODULE', /licence file/],
    ['no problems', 'empty.mjs', 'GALAPAGOS_ERR_PROBLEM_MODULE', /exports no problems/],
    [
      'a built-in id',
      'builtin-id.mjs',
      'GALAPAGOS_ERR_INVALID_PROBLEM',
      /"onemax" is already defined by the built-in/,
    ],
    [
      'a malformed definition',
      'malformed.mjs',
      'GALAPAGOS_ERR_INVALID_PROBLEM',
      /problems\[0\]: problem "no-genome": genome must be/,
    ],
  ])('refuse %s, naming the file and the reason', async (_what, file, code, reason) => {
    const path = join(project.dir, file);
    const error = await loadProblemModules([path]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code, message: expect.stringContaining(path) });
    expect((error as Error).message).toMatch(reason);
  });

  it("use this installation's @galapagos/core for a module that does not install it", async () => {
    const bare = mkdtempSync(join(tmpdir(), 'galapagos-bare-'));
    const module = join(bare, 'fitness.ts');
    writeFileSync(
      module,
      "import { defineProblem } from '@galapagos/core';\nexport const problems = [defineProblem({ id: 'bare', title: 'b', description: 'd', params: { type: 'object' }, instantiate: () => ({ genome: { kind: 'binary', length: 2 }, objective: 'max', fitness: (g) => Number(g === '11') }) })];\n",
    );
    const { registry } = await loadProblemModules([module]);
    expect(await registry.resolve('bare').instance.fitness('11')).toBe(1);
  });

  it('refuse the same id in two modules', async () => {
    const copy = join(project.dir, 'fitness-copy.ts');
    appendFileSync(copy, readFileSync(project.fitness, 'utf8'));
    await expect(loadProblemModules([project.fitness, copy])).rejects.toMatchObject({
      code: 'GALAPAGOS_ERR_INVALID_PROBLEM',
      message: expect.stringMatching(/"curve-fit" is already defined by .*fitness\.ts/),
    });
  });
});

describe('a pool with a user module', () => {
  let pool: EvaluationPool;
  beforeAll(async () => {
    pool = await createEvaluationPool({ threads: 2, problemModules: [project.fitness] });
  });
  afterAll(() => pool.close());

  it('evaluates an async fitness on its threads, with the same values as in-process', async () => {
    const { registry } = await loadProblemModules([project.fitness]);
    const { instance } = registry.resolve('curve-fit');
    const genomes = [
      [1, 0, 1],
      [0.5, -2, 3],
      [0, 0, 0],
      [4, 4, -4],
    ];
    const expected = await Promise.all(genomes.map((g) => instance.fitness(g)));
    expect(await pool.evaluate({ problem: 'curve-fit', genomes })).toEqual(expected);
    expect(pool.registry.fingerprint('curve-fit')).toBe(registry.fingerprint('curve-fit'));
  });

  it('leaves nothing behind in the user folder', () => {
    expect(existsSync(join(project.dir, 'fitness.mjs'))).toBe(false);
  });
});
