/** This package's server started as a child process on loopback (tests, benchmarks, tools). */
import {
  type LocalServer,
  type StartServerOptions,
  startServer as startServerAt,
} from '@galapagos/client';
import { SERVER_ENTRY } from './entries.js';

/** Starts `galapagos-server` (see the client's `startServer`), this package's own entry. */
export function startServer(options: Omit<StartServerOptions, 'entry'> = {}): Promise<LocalServer> {
  return startServerAt({ ...options, entry: SERVER_ENTRY });
}
