// `pnpm deploy:lambda [--problems a.ts,b.ts] [serverless options]`: bundles (the server, its
// worker files and the problem modules named by --problems or GALAPAGOS_PROBLEMS), deploys,
// then prints the endpoint, the function name and the `targets` entries for
// galapagos.config.json.
// `pnpm remove:lambda [serverless options]` removes the stack.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { targetEntries } from './targets.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
// This package's own serverless (osls), wherever the command is started from.
const serverless = fileURLToPath(new URL('./node_modules/.bin/serverless', import.meta.url));
const [command = 'deploy', ...rest] = process.argv.slice(2);
const at = rest.indexOf('--problems');
const args = at >= 0 ? [...rest.slice(0, at), ...rest.slice(at + 2)] : rest;
const env = {
  ...process.env,
  SLS_TELEMETRY_DISABLED: '1',
  INIT_CWD: process.env.INIT_CWD ?? process.cwd(),
  ...(at >= 0 ? { GALAPAGOS_PROBLEMS: rest[at + 1] ?? '' } : {}),
};

/** Runs a command in this folder; exits with its status when it fails. */
function run(file, list, capture = false) {
  const result = spawnSync(file, list, {
    cwd: here,
    env,
    stdio: capture ? ['inherit', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
  });
  if (result.error) {
    console.error(`${command}:lambda: cannot run ${file}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    console.error(
      `${command}:lambda: \`serverless ${list[0]}\` failed (exit ${result.status}); its message is above. Credentials come from the standard AWS chain (aws configure, AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY).`,
    );
    process.exit(result.status ?? 1);
  }
  return result.stdout;
}

if (command === 'remove') {
  run(serverless, ['remove', ...args]);
  process.exit(0);
}
// `serverless deploy` bundles the workers and the modules itself (plugins/galapagos.cjs).
run(serverless, ['deploy', ...args]);
const info = run(serverless, ['info', '--verbose', ...args], true);
const endpoint = /HttpApiUrl:\s*(\S+)/.exec(info)?.[1];
const region = /region:\s*(\S+)/.exec(info)?.[1];
const stage = /stage:\s*(\S+)/.exec(info)?.[1] ?? 'dev';
const functionName = `galapagos-${stage}-evaluate`;
console.log(
  `\nHTTP endpoint: ${endpoint ?? '(not found in serverless info)'}\nFunction:      ${functionName} (${region})\n`,
);
console.log('Add to "targets" in galapagos.config.json:');
console.log(JSON.stringify(targetEntries({ endpoint, functionName, region }), null, 2));
