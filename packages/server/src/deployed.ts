/**
 * The app as a cloud entry (Lambda, Azure) builds it: options from the environment, the
 * problem modules of `GALAPAGOS_PROBLEMS` or else those packaged beside the bundle, no
 * Swagger UI files, worker threads started and route schemas compiled as work needs them. The entries themselves only adapt their platform's events to it.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { optionsFromEnv, type ServerOptions } from './options.js';
import { packagedProblems } from './packaged.js';

export function deployedApp(
  entryUrl: string,
  overrides: Partial<ServerOptions> = {},
): FastifyInstance {
  const options = optionsFromEnv(process.env);
  const problemModules =
    options.problemModules.length > 0 ? options.problemModules : packagedProblems(entryUrl);
  // A cold start answers its first request without waiting for threads it may not need.
  return buildApp({ ...options, problemModules, docsUi: false, lazyStart: true, ...overrides });
}
