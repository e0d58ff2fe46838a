// Puts what the bundled handler needs beside it (see serverless.yml): the worker-thread files
// it starts, and the user's problem modules (`--problems a.ts,b.ts` or GALAPAGOS_PROBLEMS),
// each bundled with its npm packages and local imports, listed in problems.json. Run by the
// Serverless Framework itself before it packages, deploys or starts offline
// (plugins/galapagos.cjs), and by `node prepare.mjs` (the package's build).
import { fileURLToPath } from 'node:url';
import { bundleProblems, problemModulesFrom } from '@galapagos/server/scripts/bundle-problems';
import { bundleWorkers } from '@galapagos/server/scripts/bundle-workers';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Bundles the workers and `modules` (default: from the command line or the environment). */
export async function prepare(modules = problemModulesFrom(), log = console.log) {
  await bundleWorkers(here);
  const bundles = await bundleProblems(here, modules);
  for (const b of bundles) log(`problem module ${b.source} -> ${b.file} (${b.codeHash})`);
  return bundles;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await prepare();
