// The workspace's package graph: static and acyclic. Every `@galapagos/*` package a package's
// sources import is a declared dependency, no two packages depend on each other (whatever the
// kind of dependency), none is an optional peer of another, and no source imports one by a
// specifier chosen at run time. See docs/architecture.md.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const KINDS = [
  'dependencies',
  'devDependencies',
  'peerDependencies',
  'optionalDependencies',
] as const;

interface Manifest {
  readonly name: string;
  readonly folder: string;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** Every workspace package (pnpm-workspace.yaml): `packages/*`, `deploy/*`, `test`, `bench`. */
function manifests(): Manifest[] {
  const folders = [
    ...['packages', 'deploy'].flatMap((parent) =>
      readdirSync(join(root, parent), { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(root, parent, d.name, 'package.json')))
        .map((d) => join(parent, d.name)),
    ),
    'test',
    'bench',
  ];
  return folders.map((folder) => ({
    ...(JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8')) as Manifest),
    folder,
  }));
}

/** A package's workspace dependencies of every kind. */
const edges = (m: Manifest): string[] => [
  ...new Set(
    KINDS.flatMap((kind) => Object.keys(m[kind] ?? {})).filter((n) => n.startsWith('@galapagos/')),
  ),
];

/** The cycles of a graph given as adjacency lists (each as the path that closes it). */
export function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

/** The TypeScript sources of a package (tests included: they import packages too). */
function sources(folder: string): string[] {
  const src = join(root, folder, 'src');
  try {
    return readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(ts|mts)$/.test(f))
      .map((f) => join(src, f));
  } catch {
    return [];
  }
}

describe('the package graph', () => {
  const all = manifests();

  it('finds a cycle when there is one (the check itself)', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cyclesOf(graph)).toEqual([['a', 'b', 'c', 'a']]);
    expect(
      cyclesOf(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('has no cycle among @galapagos/* packages, over every kind of dependency', () => {
    const graph = new Map(all.map((m) => [m.name, edges(m)]));
    expect(cyclesOf(graph)).toEqual([]);
    // The layering it keeps (docs/architecture.md): each package depends only on those below.
    const order = ['@galapagos/core', '@galapagos/client', '@galapagos/server', '@galapagos/cli'];
    for (const [i, name] of order.entries())
      for (const dep of graph.get(name) ?? [])
        expect(order.indexOf(dep), `${name} -> ${dep}`).toBeLessThan(i);
  });

  it('has no optional peer dependency between workspace packages', () => {
    const optionalPeers = all.flatMap((m) =>
      Object.keys(m.peerDependencies ?? {})
        .filter((n) => n.startsWith('@galapagos/'))
        .map((n) => `${m.name} -> ${n}`),
    );
    expect(optionalPeers).toEqual([]);
  });

  it('imports a workspace package only by a literal specifier it declares', () => {
    const wrong: string[] = [];
    for (const m of all.filter((p) => p.folder.startsWith('packages/'))) {
      const declared = new Set(edges(m));
      for (const file of sources(m.folder)) {
        const text = readFileSync(file, 'utf8');
        const at = file.slice(root.length);
        // Every string that is exactly a workspace specifier must be an import's own.
        for (const found of text.matchAll(/(.{0,20})(['"])(@galapagos\/[a-z-]+)(\/[\w./-]*)?\2/g)) {
          const [, before = '', , name = ''] = found;
          if (!/(from |import\(|import |import\.meta\.resolve\()\s*$/.test(before))
            wrong.push(`${at}: "${name}${found[4] ?? ''}" is not an import's own specifier`);
          else if (name !== m.name && !declared.has(name))
            wrong.push(`${at}: imports ${name}, not a dependency of ${m.name}`);
        }
        if (/GALAPAGOS_RUNS_MODULE/.test(text)) wrong.push(`${at}: GALAPAGOS_RUNS_MODULE`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
