/** What the run commands share: the server they talk to, from `--config`, `--target`, `--url`. */

import type { ConfigFlags } from '../flags.js';
import { configFor } from '../flags.js';
import { type RunServer, runServer } from '../remote/server.js';

export interface RemoteFlags {
  readonly config?: string;
  readonly target?: string;
  readonly url?: string;
  readonly json?: boolean;
}

export async function serverFor(flags: RemoteFlags & ConfigFlags): Promise<RunServer> {
  return runServer(await configFor(flags), flags, process.env);
}
