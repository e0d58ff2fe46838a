/** Runs a packaged program (the server, a fleet worker) in the foreground, signals forwarded. */
import { spawn } from 'node:child_process';

/** Its exit code is the command's; SIGINT and SIGTERM go to it, which stops gracefully. */
export function foreground(entry: string, env: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, [entry], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}
