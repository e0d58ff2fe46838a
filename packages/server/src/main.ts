#!/usr/bin/env node
/**
 * `galapagos-server` / `pnpm serve`: listens on HOST:PORT (default 127.0.0.1:3000) and shuts
 * down gracefully on SIGTERM/SIGINT: stop accepting, let in-flight requests finish within
 * GALAPAGOS_SHUTDOWN_GRACE_MS, close the pool, exit 0 (1 if the grace period ran out).
 */
import { buildApp } from './app.js';
import { listenFromEnv, optionsFromEnv } from './options.js';

let app: ReturnType<typeof buildApp>;
let listen: ReturnType<typeof listenFromEnv>;
try {
  app = buildApp(optionsFromEnv(process.env));
  listen = listenFromEnv(process.env);
} catch (error) {
  console.error(`galapagos-server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down: finishing in-flight requests');
  const force = setTimeout(() => {
    app.log.error(`in-flight requests outlived the ${listen.shutdownGraceMs} ms grace period`);
    process.exit(1);
  }, listen.shutdownGraceMs);
  force.unref();
  await app.close();
  process.exit(0);
}
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

try {
  await app.listen({ host: listen.host, port: listen.port });
} catch (error) {
  // A problem module that cannot be loaded is a configuration error: say which and why.
  const code = (error as { code?: unknown }).code;
  if (code === 'GALAPAGOS_ERR_PROBLEM_MODULE' || code === 'GALAPAGOS_ERR_INVALID_PROBLEM') {
    console.error(`galapagos-server: ${code}: ${(error as Error).message}`);
    process.exit(2);
  }
  app.log.fatal({ err: error }, 'could not start');
  process.exit(1);
}
