/**
 * The options a cloud entry (Lambda, Azure) runs with: from the environment, the problem
 * modules of `GALAPAGOS_PROBLEMS` or else those packaged beside the bundle, no Swagger UI
 * files, worker threads started and route schemas compiled as work needs them. Cheap to
 * import: the entries build the app only where they need it.
 */
import { optionsFromEnv, type ServerOptions } from './options.js';
import { packagedProblems } from './packaged.js';

export function deployedOptions(entryUrl: string): ServerOptions {
  const options = optionsFromEnv(process.env);
  const problemModules =
    options.problemModules.length > 0 ? options.problemModules : packagedProblems(entryUrl);
  // A cold start answers its first request without waiting for threads it may not need.
  return { ...options, problemModules, docsUi: false, lazyStart: true };
}
