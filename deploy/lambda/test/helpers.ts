import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
// @ts-expect-error: plain ESM module shared with the benchmarks
import { startOffline as startOfflineModule } from '../offline.mjs';

export const service = fileURLToPath(new URL('..', import.meta.url));
const serverless = fileURLToPath(new URL('../node_modules/.bin/serverless', import.meta.url));
const env = { ...process.env, SLS_TELEMETRY_DISABLED: '1', GALAPAGOS_LOG_LEVEL: 'warn' };

/** `serverless <args>` in the service folder. */
export const sls = (args: string[]) =>
  promisify(execFile)(serverless, args, { cwd: service, env, maxBuffer: 16 * 1024 * 1024 });

/** serverless-offline on free ports (see offline.mjs). */
export const startOffline = startOfflineModule as (env?: Record<string, string>) => Promise<{
  http: string;
  invoke: string;
  stop: () => Promise<void>;
}>;

/** The galapagos CLI, as the tests run it. */
export const cli = fileURLToPath(
  new URL('../../../packages/cli/dist/galapagos.mjs', import.meta.url),
);

/**
 * serverless-offline, with the dummy credentials and region the AWS SDK wants in this process
 * (and the CLI processes it starts); the emulator does not check them.
 */
export async function startOfflineWithCredentials() {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'offline',
    AWS_SECRET_ACCESS_KEY: 'offline',
    AWS_REGION: 'eu-west-1',
  });
  return startOffline();
}
