// The user's problem modules in a deployment package (the Lambda zip, the Azure Functions
// package): each bundled with esbuild into one portable file (its npm packages and local
// imports inside), under `<outdir>/problems/`, and listed in `<outdir>/problems.json`, which
// the packaged entry reads when GALAPAGOS_PROBLEMS is not set.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { bundleProblemModule } from '@galapagos/core/runtime';

/**
 * The modules to package: `--problems a.ts,b.ts` among `argv`, else GALAPAGOS_PROBLEMS;
 * relative paths are taken from the folder the command was started in (pnpm's INIT_CWD).
 */
export function problemModulesFrom(argv = process.argv.slice(2), env = process.env) {
  const at = argv.indexOf('--problems');
  const list = at >= 0 ? argv[at + 1] : env.GALAPAGOS_PROBLEMS;
  const base = env.INIT_CWD ?? process.cwd();
  return (list ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => (isAbsolute(p) ? p : resolve(base, p)));
}

/** Bundles `modules` into `outdir`; returns the packaged paths and code hashes. */
export async function bundleProblems(outdir, modules) {
  const dir = join(outdir, 'problems');
  rmSync(dir, { recursive: true, force: true });
  const bundles = [];
  if (modules.length > 0) mkdirSync(dir, { recursive: true });
  for (const module of modules)
    bundles.push(await bundleProblemModule(module, { outDir: dir, portable: true }));
  const listed = bundles.map((b) => relative(outdir, b.file));
  writeFileSync(join(outdir, 'problems.json'), `${JSON.stringify({ modules: listed }, null, 2)}\n`);
  return bundles;
}
