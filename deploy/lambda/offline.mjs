// Starts this service under serverless-offline on free loopback ports, for the tests and the
// benchmarks: resolves once its HTTP API answers /health.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '@galapagos/client';

const service = fileURLToPath(new URL('.', import.meta.url));
const serverless = fileURLToPath(new URL('./node_modules/.bin/serverless', import.meta.url));

/** @returns {Promise<{ http: string, invoke: string, functionName: string, stop: () => Promise<void> }>} */
export async function startOffline(env = {}) {
  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  const child = spawn(serverless, ['offline', 'start'], {
    cwd: service,
    env: {
      ...process.env,
      SLS_TELEMETRY_DISABLED: '1',
      GALAPAGOS_LOG_LEVEL: 'warn',
      GALAPAGOS_OFFLINE_HTTP_PORT: String(httpPort),
      GALAPAGOS_OFFLINE_LAMBDA_PORT: String(lambdaPort),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (c) => {
    log = (log + c).slice(-8000);
  });
  child.stderr.on('data', (c) => {
    log = (log + c).slice(-8000);
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
    functionName: 'galapagos-dev-evaluate',
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
