#!/usr/bin/env node
/**
 * `galapagos-server` / `pnpm serve`: listens on HOST:PORT (default 127.0.0.1:3000) and shuts
 * down gracefully on SIGTERM/SIGINT: stop accepting, let in-flight requests finish within
 * GALAPAGOS_SHUTDOWN_GRACE_MS, close the pool, exit 0 (1 if the grace period ran out).
 * A server that cannot start says why in one sentence and exits 2.
 * With GALAPAGOS_PARENT_LIFELINE=stdin it also shuts down when its standard input closes: a
 * process that started it over a pipe (the client's `spawn`) may die without a word.
 */
import { fileURLToPath } from 'node:url';
import { buildApp } from './app.js';
import { StartupError } from './errors.js';
import { deprecatedSettings, listenFromEnv, optionsFromEnv } from './options.js';
import { loadRunService } from './runs/load.js';

/** Listen errors a user can fix, and what to say about them. */
const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'is already in use (another server?); choose another PORT',
  EACCES: 'needs privileges to listen on; choose a PORT above 1023',
  EADDRNOTAVAIL: 'is not an address of this machine; check HOST',
};

function refuse(code: string, message: string): never {
  console.error(`galapagos-server: ${code}: ${message}`);
  process.exit(2);
}

let app: ReturnType<typeof buildApp>;
let listen: ReturnType<typeof listenFromEnv>;
try {
  const options = optionsFromEnv(process.env);
  listen = listenFromEnv(process.env);
  // The run service logs through the app, which it is built before: early lines wait for it.
  const early: ['info' | 'warn' | 'error', string][] = [];
  const logAt = (level: 'info' | 'warn' | 'error') => (message: string) => {
    if (app) app.log[level](message);
    else early.push([level, message]);
  };
  const runs = await loadRunService(
    process.env,
    options.problemModules.map((m) => (typeof m === 'string' ? m : fileURLToPath(m))),
    { info: logAt('info'), warn: logAt('warn'), error: logAt('error') },
  );
  app = buildApp({ ...options, ...(runs ? { runs } : {}) });
  for (const [level, message] of early) app.log[level](message);
  for (const note of deprecatedSettings(process.env)) app.log.warn(note);
} catch (error) {
  if (error instanceof StartupError) refuse(error.code, error.message);
  throw error;
}

let stopping = false;
async function stop(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info({ reason }, 'shutting down: finishing in-flight requests');
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
if (process.env.GALAPAGOS_PARENT_LIFELINE === 'stdin') {
  process.stdin.once('close', () => void stop('parent gone (stdin closed)'));
  process.stdin.resume();
}

try {
  await app.listen({ host: listen.host, port: listen.port });
} catch (error) {
  // A problem module that cannot be loaded is a configuration error: say which and why.
  const code = (error as { code?: unknown }).code;
  if (code === 'GALAPAGOS_ERR_PROBLEM_MODULE' || code === 'GALAPAGOS_ERR_INVALID_PROBLEM')
    refuse(code, (error as Error).message);
  if (typeof code === 'string' && code in LISTEN_ERRORS)
    refuse('GALAPAGOS_ERR_LISTEN', `${listen.host}:${listen.port} ${LISTEN_ERRORS[code]}`);
  app.log.fatal({ err: error }, 'could not start');
  process.exit(1);
}
