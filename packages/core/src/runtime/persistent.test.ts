// `mode: 'persistent'`: one simulator process per thread, kept alive across genomes; and the
// fingerprint of a multi-file simulator. The project is written outside the repository.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvaluationPool, type EvaluationPool } from '../../dist/runtime/index.js';
import { exists } from '../../test-fixtures/processes.mjs';
import { writeCommandModule, writeUserProject } from '../../test-fixtures/user-project.mjs';

const project = writeUserProject();
const starts = join(project.dir, 'starts.log');
writeFileSync(
  join(project.dir, 'loop.py'),
  `import json, os, sys
from helper import ones
with open("starts.log", "a") as f:
    f.write(str(os.getpid()) + "\\n")
print("simulator ready")  # a log line, not an answer
sys.stdout.flush()
offset = json.loads(os.environ["GALAPAGOS_PARAMS"]).get("offset", 0)
for line in sys.stdin:
    genome = json.loads(line)
    if genome.startswith("1111"):
        print(json.dumps({"error": "diverged"}))
    elif genome.startswith("0000"):
        sys.exit(4)
    else:
        print("computing", genome)
        print(ones(genome) + offset)
    sys.stdout.flush()
`,
);
writeFileSync(join(project.dir, 'helper.py'), 'def ones(g):\n    return g.count("1")\n');
const module = writeCommandModule(join(project.dir, 'persistent.ts'), [
  {
    id: 'py-loop',
    genome: { kind: 'binary', length: 8 },
    objective: 'max',
    command: ['python3', 'loop.py'],
    mode: 'persistent',
    params: { type: 'object', properties: { offset: { type: 'number', default: 0 } } },
  },
]);
const genomes = Array.from({ length: 40 }, (_, i) => (i + 16).toString(2).padStart(8, '0'));
const pids = () => readFileSync(starts, 'utf8').trim().split('\n').filter(Boolean).map(Number);

describe('persistent programs', () => {
  let pool: EvaluationPool;
  beforeAll(async () => {
    writeFileSync(starts, '');
    pool = await createEvaluationPool({ threads: 2, problemModules: [module] });
  });
  afterAll(() => pool.close());

  it('start once per thread and answer genome after genome, log lines passed over', async () => {
    const fitness = await pool.evaluate({ problem: 'py-loop', genomes, params: { offset: 100 } });
    expect(fitness).toEqual(genomes.map((g) => [...g].filter((c) => c === '1').length + 100));
    await pool.evaluate({ problem: 'py-loop', genomes, params: { offset: 100 } });
    // 80 genomes, two threads: at most two programs.
    expect(pids().length).toBeLessThanOrEqual(2);
  });

  it('fail a genome answered with {"error"} or whose program exits, alone, and start again', async () => {
    const before = pids().length;
    const { fitness, failures } = await pool.evaluateEach({
      problem: 'py-loop',
      params: { offset: 100 },
      genomes: ['11110000', '00000001', '00010001', '01010101'],
    });
    expect(fitness.slice(2)).toEqual([102, 104]);
    expect(failures.map((f) => [f.index, f.message])).toEqual([
      [0, expect.stringMatching(/genome 0 \(11110000\): fitness threw: python3 loop.py: diverged/)],
      [1, expect.stringMatching(/python3 loop.py exited with code 4 while evaluating a genome/)],
    ]);
    // The program that exited is replaced by a new one for the next genomes of its thread.
    expect(
      await pool.evaluate({ problem: 'py-loop', genomes, params: { offset: 100 } }),
    ).toHaveLength(genomes.length);
    expect(pids().length).toBe(before + 1);
  });

  it('end with their pool', async () => {
    const other = await createEvaluationPool({ threads: 1, problemModules: [module] });
    writeFileSync(starts, '');
    await other.evaluate({ problem: 'py-loop', genomes: ['01010101'] });
    const [pid] = pids();
    expect(exists(pid!)).toBe(true);
    await other.close();
    for (let i = 0; i < 40 && exists(pid!); i++) await sleep(25);
    expect(exists(pid!)).toBe(false);
  });

  it('fingerprint the modules the simulator imports beside it', async () => {
    const before = pool.registry.fingerprint('py-loop');
    writeFileSync(
      join(project.dir, 'helper.py'),
      'def ones(g):\n    return g.count("1")  # same\n',
    );
    const other = await createEvaluationPool({ threads: 1, problemModules: [module] });
    try {
      expect(other.registry.fingerprint('py-loop')).not.toBe(before);
    } finally {
      await other.close();
    }
  });
});
