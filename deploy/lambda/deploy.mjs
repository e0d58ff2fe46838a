// `pnpm deploy:lambda [serverless options]`: bundles, deploys, then prints the endpoint, the
// function name and the `targets` entries for galapagos.config.json.
// `pnpm remove:lambda [serverless options]` removes the stack.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { targetEntries } from './targets.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const [command = 'deploy', ...args] = process.argv.slice(2);
const env = { ...process.env, SLS_TELEMETRY_DISABLED: '1' };
const sls = (list, capture = false) =>
  execFileSync('serverless', list, {
    cwd: here,
    env,
    stdio: capture ? ['inherit', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
  });

try {
  if (command === 'remove') {
    sls(['remove', ...args]);
    process.exit(0);
  }
  execFileSync(process.execPath, ['prepare.mjs'], { cwd: here, stdio: 'inherit' });
  sls(['deploy', ...args]);
  const info = sls(['info', '--verbose', ...args], true);
  const endpoint = /HttpApiUrl:\s*(\S+)/.exec(info)?.[1];
  const region = /region:\s*(\S+)/.exec(info)?.[1];
  const stage = /stage:\s*(\S+)/.exec(info)?.[1] ?? 'dev';
  const functionName = `galapagos-${stage}-evaluate`;
  console.log(
    `\nHTTP endpoint: ${endpoint ?? '(not found in serverless info)'}\nFunction:      ${functionName} (${region})\n`,
  );
  console.log('Add to "targets" in galapagos.config.json:');
  console.log(JSON.stringify(targetEntries({ endpoint, functionName, region }), null, 2));
} catch (error) {
  console.error(
    `deploy:lambda failed: ${error.message}\n(Is the AWS CLI configured? serverless uses the standard AWS credentials chain.)`,
  );
  process.exit(1);
}
