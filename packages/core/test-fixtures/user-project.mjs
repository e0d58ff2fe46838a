// Writes a user's problem project into a fresh temporary folder, outside the repository:
// a TypeScript module with an async fitness, a local import, an npm-style package in its own
// node_modules and plain-JSON-Schema parameters; a Python external program; and faulty
// modules. Shared by the tests of core, server, client and the end-to-end suite.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const coreRoot = new URL('..', import.meta.url).pathname;

const files = {
  // An npm package as npm installs it (own folder, package.json, CommonJS).
  'node_modules/curve-tools/package.json': JSON.stringify({
    name: 'curve-tools',
    version: '1.2.0',
    main: 'index.js',
  }),
  'node_modules/curve-tools/index.js':
    'exports.polynomial = (coeffs, x) => coeffs.reduce((acc, c) => acc * x + c, 0);\n',
  'data.ts':
    'export const points: [number, number][] = [[-1, 2], [0, 1], [1, 2], [2, 5], [3, 10]];\n',
  'fitness.ts': `import { defineProblem } from '@galapagos/core';
import { polynomial } from 'curve-tools';
import { points } from './data.js';

/** Fit a quadratic's coefficients to the points: minimise the squared error. */
export const problems = [
  defineProblem({
    id: 'curve-fit',
    title: 'Curve fit',
    description: 'Fit polynomial coefficients to data points.',
    params: {
      type: 'object',
      properties: { degree: { type: 'integer', minimum: 0, maximum: 6, default: 2 } },
      additionalProperties: false,
    },
    instantiate: (params) => {
      const degree = params.degree as number;
      return {
        genome: { kind: 'real', length: degree + 1, low: -5, high: 5 },
        objective: 'min',
        optimum: 0,
        fitness: async (genome) => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          let error = 0;
          for (const [x, y] of points) error += (polynomial(genome as number[], x) - y) ** 2;
          return error;
        },
      };
    },
  }),
];
`,
  'sim.py': `import json, os, sys
genome = json.load(sys.stdin)
params = json.loads(os.environ.get("GALAPAGOS_PARAMS", "{}"))
if genome == "1" * len(genome) and params.get("crash_on_ones"):
    print("simulator diverged", file=sys.stderr)
    sys.exit(3)
print(sum(int(b) for b in genome))
`,
  'python.ts': `import { defineCommandProblem } from '@galapagos/core/runtime';

export const problems = [
  defineCommandProblem({
    id: 'py-onemax',
    genome: { kind: 'binary', length: 12 },
    objective: 'max',
    command: ['python3', 'sim.py'],
    cwd: import.meta.dirname,
    timeoutMs: 10_000,
  }),
];
`,
  // A design trade-off: two objectives, one maximised, one minimised, using the npm package.
  'tradeoff.ts': `import { defineProblem } from '@galapagos/core';
import { polynomial } from 'curve-tools';

/** A beam: maximise its stiffness, minimise its mass (a vector fitness). */
export const problems = [
  defineProblem({
    id: 'beam',
    title: 'Beam',
    description: 'Stiffness against mass.',
    params: { type: 'object', properties: {} },
    instantiate: () => ({
      genome: { kind: 'real', length: 3, low: 0.1, high: 2 },
      objective: 'max',
      objectives: ['max', 'min'],
      referencePoint: [0, 20],
      fitness: (genome) => {
        const [w, h, t] = genome as number[];
        return [polynomial([w, 0, 0], h) * t, w * h + t * 2];
      },
    }),
  }),
];
`,
  // A fitness that fails for some genomes (a simulator that diverges).
  'fragile.mjs': `export const problems = [{
  id: 'fragile-onemax', title: 'Fragile OneMax', description: 'Fails for genomes starting 1111.',
  params: { type: 'object', properties: {} },
  instantiate: () => ({
    genome: { kind: 'binary', length: 16 }, objective: 'max',
    fitness: (g) => { if (g.startsWith('1111')) throw new Error('simulator diverged'); return [...g].filter((c) => c === '1').length; },
  }),
}];
`,
};

const faulty = {
  'syntax.ts': 'export const problems = [;\n',
  'throws.mjs': "throw new Error('cannot open the licence file');\n",
  'empty.mjs': 'export const problems = [];\n',
  'builtin-id.mjs': `export const problems = [{ id: 'onemax', title: 't', description: 'd', params: { type: 'object' }, instantiate: () => ({ genome: { kind: 'binary', length: 3 }, objective: 'max', fitness: () => 1 }) }];\n`,
  'malformed.mjs': `export const problems = [{ id: 'no-genome', title: 't', description: 'd', params: { type: 'object' }, instantiate: () => ({ objective: 'max', fitness: () => 1 }) }];\n`,
};

/**
 * Creates the project; returns its folder and the paths of its modules. `edit` appends a
 * comment to data.ts (same behaviour, different code: a different fingerprint).
 */
export function writeUserProject({ edit = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'galapagos-user-'));
  const all = { ...files, ...faulty };
  if (edit) all['data.ts'] += '// edited\n';
  for (const [name, text] of Object.entries(all)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  // @galapagos/core as the user's dependency (linked, as npm link does), resolved to this build.
  mkdirSync(join(dir, 'node_modules/@galapagos'), { recursive: true });
  symlinkSync(coreRoot, join(dir, 'node_modules/@galapagos/core'), 'dir');
  return {
    dir,
    fitness: join(dir, 'fitness.ts'),
    python: join(dir, 'python.ts'),
    fragile: join(dir, 'fragile.mjs'),
    tradeoff: join(dir, 'tradeoff.ts'),
    faulty: Object.fromEntries(Object.keys(faulty).map((n) => [n, join(dir, n)])),
    coreRoot,
  };
}

/**
 * Writes a module of command problems to `file` (beside their programs, `cwd` its folder), as
 * a user would: each of `problems` is `defineCommandProblem`'s options, JSON.
 */
export function writeCommandModule(file, problems) {
  writeFileSync(
    file,
    `import { defineCommandProblem } from '@galapagos/core/runtime';
export const problems = ${JSON.stringify(problems, null, 2)}.map((options) =>
  defineCommandProblem({ ...options, cwd: import.meta.dirname }),
);
`,
  );
  return file;
}
