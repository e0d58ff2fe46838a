/** `galapagos serve`: the local fitness server (galapagos-server) in the foreground. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { serverEntry } from '../spawn.js';

export function serveCommand(options: Record<string, unknown>): Promise<number> {
  const child = spawn(process.execPath, [serverEntry()], {
    stdio: 'inherit',
    env: {
      ...process.env,
      ...(options.port !== undefined ? { PORT: String(options.port) } : {}),
      ...(options.host !== undefined ? { HOST: String(options.host) } : {}),
      ...(options.workers !== undefined ? { GALAPAGOS_WORKERS: String(options.workers) } : {}),
      ...(Array.isArray(options.problems)
        ? { GALAPAGOS_PROBLEMS: (options.problems as string[]).map((p) => resolve(p)).join(',') }
        : {}),
    },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}
