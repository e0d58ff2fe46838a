/** `pnpm bench [suite…]`: runs the named suites, or all of them. */
import { cliSuite } from './cli.js';
import { dockerSuite } from './docker.js';
import { engineSuite } from './engine.js';
import { fleetSuite } from './fleet.js';
import { floorSuite } from './floor.js';
import { hostileSuite } from './hostile.js';
import { lambdaSuite } from './lambda.js';
import { overheadSuite } from './overhead.js';
import { planSuite } from './plan.js';
import { qualitySuite } from './quality.js';
import { referenceSuite } from './reference.js';
import { scaleSuite } from './scale.js';
import { serverSuite } from './server.js';
import { unevenSuite } from './uneven.js';
import { userFitnessSuite } from './user-fitness.js';

const suites: Record<string, (args: string[]) => Promise<void>> = {
  reference: referenceSuite,
  overhead: overheadSuite,
  engine: engineSuite,
  server: serverSuite,
  lambda: lambdaSuite,
  docker: dockerSuite,
  'user-fitness': userFitnessSuite,
  hostile: hostileSuite,
  quality: qualitySuite,
  uneven: unevenSuite,
  fleet: fleetSuite,
  scale: scaleSuite,
  floor: floorSuite,
  cli: cliSuite,
  plan: planSuite,
};

const argv = process.argv.slice(2).filter((a) => a !== '--');
// Suite names first; options (e.g. --cost-ms 3000) after them go to the suites.
const firstOption = argv.findIndex((a) => a.startsWith('--'));
const asked = firstOption < 0 ? argv : argv.slice(0, firstOption);
const options = firstOption < 0 ? [] : argv.slice(firstOption);
const unknown = asked.filter((name) => !(name in suites));
if (unknown.length > 0) {
  console.error(`unknown suite ${unknown.join(', ')}; suites: ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}
for (const name of asked.length > 0 ? asked : Object.keys(suites)) {
  console.log(`\n# ${name}`);
  await suites[name]!(options);
}
