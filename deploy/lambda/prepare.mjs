// Puts what the bundled handler needs beside it (see serverless.yml): the worker-thread files
// it starts, and the user's problem modules (`--problems a.ts,b.ts` or GALAPAGOS_PROBLEMS),
// each bundled with its npm packages and local imports, listed in problems.json.
import { bundleProblems, problemModulesFrom } from '@galapagos/server/scripts/bundle-problems';
import { bundleWorkers } from '@galapagos/server/scripts/bundle-workers';

const here = new URL('.', import.meta.url).pathname;
await bundleWorkers(here);
const bundles = await bundleProblems(here, problemModulesFrom());
for (const b of bundles) console.log(`problem module ${b.source} -> ${b.file} (${b.codeHash})`);
