// Bundles the Functions app into dist/: index.mjs (the trigger and the whole server), the two
// worker-thread files the pool starts, the user's problem modules (`--problems a.ts,b.ts` or
// GALAPAGOS_PROBLEMS; see problems.json), and a package.json marking dist/ as CommonJS so that
// piscina's worker.js loads as such (the .mjs files stay ESM). `package/` then holds exactly
// what is zip-deployed: host.json, a package.json pointing at dist/index.mjs, and dist/.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleProblems, problemModulesFrom } from '@galapagos/server/scripts/bundle-problems';
import { bundleWorkers, esmBanner } from '@galapagos/server/scripts/bundle-workers';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const dist = `${here}dist/`;
rmSync(dist, { recursive: true, force: true });
await build({
  entryPoints: [`${here}src/index.ts`],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  logLevel: 'warning',
  banner: { js: esmBanner },
  // Provided by the Functions host at run time.
  external: ['@azure/functions-core'],
  outfile: `${dist}index.mjs`,
});
await bundleWorkers(dist);
for (const b of await bundleProblems(dist, problemModulesFrom()))
  console.log(`problem module ${b.source} -> ${b.file} (${b.codeHash})`);
writeFileSync(`${dist}package.json`, '{ "type": "commonjs" }\n');

const pkg = `${here}package/`;
rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg);
cpSync(`${here}host.json`, `${pkg}host.json`);
cpSync(dist, `${pkg}dist`, { recursive: true });
writeFileSync(
  `${pkg}package.json`,
  `${JSON.stringify({ name: 'galapagos-functions', private: true, main: 'dist/index.mjs' }, null, 2)}\n`,
);
