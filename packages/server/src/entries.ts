/**
 * The files of this package's programs, for programs that start them as processes (the CLI's
 * `serve`, targets with `spawn`). Importing this module loads nothing else.
 */
import { fileURLToPath } from 'node:url';

/** `galapagos-server`: listens, evaluates, hosts runs. */
export const SERVER_ENTRY = fileURLToPath(new URL('./main.js', import.meta.url));
/** `galapagos-worker`: a fleet worker on a Redis queue. */
export const WORKER_ENTRY = fileURLToPath(new URL('./worker-main.js', import.meta.url));
