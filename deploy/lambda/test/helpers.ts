import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '@galapagos/client';

export const service = fileURLToPath(new URL('..', import.meta.url));
const serverless = fileURLToPath(new URL('../node_modules/.bin/serverless', import.meta.url));
const env = { ...process.env, SLS_TELEMETRY_DISABLED: '1', GALAPAGOS_LOG_LEVEL: 'warn' };

/** `serverless <args>` in the service folder. */
export const sls = (args: string[]) =>
  promisify(execFile)(serverless, args, { cwd: service, env, maxBuffer: 16 * 1024 * 1024 });

/** serverless-offline on free ports; resolves once its HTTP API answers /health. */
export async function startOffline(): Promise<{
  http: string;
  invoke: string;
  stop: () => Promise<void>;
}> {
  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  const child: ChildProcess = spawn(serverless, ['offline', 'start'], {
    cwd: service,
    env: {
      ...env,
      GALAPAGOS_OFFLINE_HTTP_PORT: String(httpPort),
      GALAPAGOS_OFFLINE_LAMBDA_PORT: String(lambdaPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (c) => {
    log += c;
  });
  child.stderr!.on('data', (c) => {
    log += c;
  });
  const http = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serverless offline exited: ${log}`);
    try {
      if ((await fetch(`${http}/health`)).ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`serverless offline not ready: ${log}`);
    await sleep(200);
  }
  return {
    http,
    invoke: `http://127.0.0.1:${lambdaPort}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(force);
    },
  };
}
