/** `galapagos serve`: the local fitness server (galapagos-server) in the foreground. */
import { resolve } from 'node:path';
import { SERVER_ENTRY } from '@galapagos/server/entries';
import { threadsOf } from '../flags.js';
import { foreground } from '../foreground.js';

export interface ServeFlags {
  readonly port?: number;
  readonly host?: string;
  readonly threads?: number;
  /** The old name of `threads`. */
  readonly workers?: number;
  readonly problems?: readonly string[];
}

/** Runs the server with the flags as its settings; its exit code is the command's. */
export function serveCommand(flags: ServeFlags): Promise<number> {
  const threads = threadsOf(flags);
  return foreground(SERVER_ENTRY, {
    ...(flags.port !== undefined ? { PORT: String(flags.port) } : {}),
    ...(flags.host !== undefined ? { HOST: flags.host } : {}),
    ...(threads !== undefined ? { GALAPAGOS_THREADS: String(threads) } : {}),
    ...(flags.problems
      ? { GALAPAGOS_PROBLEMS: flags.problems.map((p) => resolve(p)).join(',') }
      : {}),
  });
}
