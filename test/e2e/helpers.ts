import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, symlinkSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DispatchConfig, LocalServer, RunConfig } from '@galapagos/client';
import { referenceExperiment } from '@galapagos/core';
import { startServer } from '@galapagos/server';
import { outcome, testDispatch } from '../../packages/core/test-fixtures/adapters.mjs';

export const cli = fileURLToPath(new URL('../../packages/cli/dist/galapagos.mjs', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Installs `@galapagos/core` into a user's project folder outside the repository (linked, as
 * `npm link` does), so its modules import it as they would from npm.
 */
export function linkCore(dir: string): void {
  mkdirSync(join(dir, 'node_modules', '@galapagos'), { recursive: true });
  symlinkSync(
    fileURLToPath(new URL('../../packages/core', import.meta.url)),
    join(dir, 'node_modules', '@galapagos', 'core'),
  );
}

/** A small run used across targets: fast, but long enough to exercise every generation path. */
export const run = (over: Partial<RunConfig> = {}): RunConfig => ({
  ...referenceExperiment({ params: { length: 24 }, population: 40, generations: 8, seed: 7 }),
  ...over,
});

export const dispatch = (over: Partial<DispatchConfig> = {}): DispatchConfig =>
  testDispatch({ timeoutMs: 10_000, ...over });

/** What must not change between targets, batchings and faults. */
export { outcome };

/** Runs the CLI to completion. */
export async function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; nodeArgs?: string[] } = {},
) {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), cli, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/**
 * An HTTP proxy in front of a server that misbehaves on chosen requests to `/v1/evaluate`
 * (numbered from 1): `fault(n)` returns what to do with the n-th one.
 */
export async function faultyProxy(
  upstream: string,
  fault: (n: number) => 'pass' | '503' | 'stall',
): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let n = 0;
  const stalled: ServerResponse[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const action = req.url === '/v1/evaluate' ? fault(++n) : 'pass';
    if (action === '503') {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(
        JSON.stringify({
          statusCode: 503,
          code: 'GALAPAGOS_ERR_OVERLOADED',
          error: 'Service Unavailable',
          message: 'injected',
        }),
      );
      return;
    }
    if (action === 'stall') {
      stalled.push(res); // never answered: the client must time out and re-dispatch
      return;
    }
    const reply = await fetch(upstream + req.url, {
      method: req.method ?? 'GET',
      headers: { 'content-type': 'application/json' },
      ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
    });
    res.writeHead(reply.status, {
      'content-type': reply.headers.get('content-type') ?? 'application/json',
    });
    res.end(Buffer.from(await reply.arrayBuffer()));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => n,
    close: async () => {
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * A temporary project whose `galapagos.config.json` has `run` and two targets: `here`
 * (embedded, the default) and `server` (a local server started for it). `close` stops the
 * server and removes the folder.
 */
export async function projectWithServer(
  run: object,
  workers: { embedded: number; server: number },
): Promise<{ dir: string; config: string; server: LocalServer; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'galapagos-project-'));
  const server = await startServer({ threads: workers.server });
  const config = join(dir, 'galapagos.config.json');
  await writeFile(
    config,
    JSON.stringify({
      run,
      targets: {
        here: { type: 'embedded', workers: workers.embedded },
        server: { type: 'http', url: server.url },
      },
      defaultTarget: 'here',
    }),
  );
  return {
    dir,
    config,
    server,
    close: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
