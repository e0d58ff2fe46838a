// `pnpm deploy:azure --resource-group RG [--name NAME] [--location LOC] [--max-cost-ms N]
//   [--problems a.ts,b.ts]` (or GALAPAGOS_PROBLEMS: the problem modules bundled into package/)
// `pnpm remove:azure --resource-group RG`
// Drives the Azure CLI: group + ARM deployment (infra/main.json), zip deploy of package/,
// then prints the URL and the `targets` entry. Fails early when `az` is missing or logged out.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = fileURLToPath(new URL('.', import.meta.url));
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    'resource-group': { type: 'string' },
    name: { type: 'string', default: 'galapagos' },
    location: { type: 'string', default: 'westeurope' },
    'max-cost-ms': { type: 'string', default: '10000' },
    yes: { type: 'boolean', default: false },
    problems: { type: 'string' },
  },
});
const command = positionals[0] ?? 'deploy';
const fail = (message) => {
  console.error(`${command}:azure: ${message}`);
  process.exit(1);
};
const az = (args, capture = true) => {
  try {
    return execFileSync('az', args, {
      encoding: 'utf8',
      stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    });
  } catch (error) {
    if (error.code === 'ENOENT')
      fail(
        'the Azure CLI (az) is not installed: https://learn.microsoft.com/cli/azure/install-azure-cli',
      );
    fail(`az ${args.slice(0, 3).join(' ')} failed`);
  }
};

az(['version', '--output', 'none']);
try {
  execFileSync('az', ['account', 'show', '--output', 'none'], { stdio: 'ignore' });
} catch {
  fail('the Azure CLI is not logged in: run `az login` first');
}
const group = values['resource-group'];
if (!group) fail('--resource-group is required');

if (command === 'remove') {
  az(['group', 'delete', '--name', group, ...(values.yes ? ['--yes'] : []), '--no-wait'], false);
  console.log(
    `Deleting resource group ${group} (runs in the background; check with az group show).`,
  );
  process.exit(0);
}

execFileSync(process.execPath, ['build.mjs'], {
  cwd: here,
  stdio: 'inherit',
  env: {
    ...process.env,
    INIT_CWD: process.env.INIT_CWD ?? process.cwd(),
    ...(values.problems === undefined ? {} : { GALAPAGOS_PROBLEMS: values.problems }),
  },
});
az(['group', 'create', '--name', group, '--location', values.location, '--output', 'none']);
const outputs = JSON.parse(
  az([
    'deployment',
    'group',
    'create',
    '--resource-group',
    group,
    '--template-file',
    join(here, 'infra/main.json'),
    '--parameters',
    `name=${values.name}`,
    `maxCostMs=${values['max-cost-ms']}`,
    '--query',
    'properties.outputs',
    '--output',
    'json',
  ]),
);
const app = outputs.functionAppName.value;
const url = outputs.url.value;
const work = mkdtempSync(join(tmpdir(), 'galapagos-azure-'));
try {
  const zip = join(work, 'galapagos.zip');
  execFileSync('python3', ['-m', 'zipfile', '-c', zip, 'host.json', 'package.json', 'dist'], {
    cwd: join(here, 'package'),
    stdio: 'inherit',
  });
  az(
    [
      'functionapp',
      'deployment',
      'source',
      'config-zip',
      '--resource-group',
      group,
      '--name',
      app,
      '--src',
      zip,
      '--output',
      'none',
    ],
    false,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(
  `\nURL: ${url}\nFunction key: az functionapp keys list --resource-group ${group} --name ${app} --query functionKeys.default --output tsv`,
);
console.log(
  '\nAdd to "targets" in galapagos.config.json (and export GALAPAGOS_AZURE_FUNCTION_KEY):',
);
console.log(
  JSON.stringify(
    {
      azure: {
        type: 'http',
        url,
        headers: { 'x-functions-key': { env: 'GALAPAGOS_AZURE_FUNCTION_KEY' } },
        maxBatchBytes: 50 * 1024 * 1024,
      },
    },
    null,
    2,
  ),
);
