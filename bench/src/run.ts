/** `pnpm bench [suite…]`: runs the named suites, or all of them. */
import { dockerSuite } from './docker.js';
import { engineSuite } from './engine.js';
import { lambdaSuite } from './lambda.js';
import { serverSuite } from './server.js';

const suites: Record<string, () => Promise<void>> = {
  engine: engineSuite,
  server: serverSuite,
  lambda: lambdaSuite,
  docker: dockerSuite,
};

const asked = process.argv.slice(2).filter((a) => a !== '--');
const unknown = asked.filter((name) => !(name in suites));
if (unknown.length > 0) {
  console.error(`unknown suite ${unknown.join(', ')}; suites: ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}
for (const name of asked.length > 0 ? asked : Object.keys(suites)) {
  console.log(`\n# ${name}`);
  await suites[name]!();
}
