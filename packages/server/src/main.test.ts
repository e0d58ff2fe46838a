// End-to-end over a real socket: the built `galapagos-server` entry, started as a process.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const referenceClient = fileURLToPath(
  new URL('../test-fixtures/reference_client.py', import.meta.url),
);
const started: ChildProcess[] = [];

/** Starts the server on a free port and resolves with its base URL once it listens. */
async function startServer(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: '0', GALAPAGOS_WORKERS: '4', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let log = '';
  child.stdout!.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: string) => {
      log += chunk;
      const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${log}`)));
  });
  return { child, url, log: () => log };
}

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('galapagos-server', () => {
  it("serves the reference design's client unchanged on /one_max_fitness/:bits", async () => {
    const { url } = await startServer({
      GALAPAGOS_DEFAULT_COST_MS: '50',
      GALAPAGOS_DEFAULT_COST_MODE: 'sleep',
    });
    const individuals = ['0000000000', '1111111111', '0101010101', '1110000000'];
    const { stdout } = await promisify(execFile)('python3', [referenceClient, url, ...individuals]);
    expect(JSON.parse(stdout)).toEqual([0, 10, 5, 3]);
  });

  it('finishes an in-flight request on SIGTERM, stops accepting, and exits 0', async () => {
    const { child, url } = await startServer();
    const inFlight = fetch(`${url}/v1/evaluate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        problem: 'onemax',
        params: { length: 4 },
        cost: { ms: 600, mode: 'sleep' },
        genomes: ['0111', '1111'],
      }),
    });
    await new Promise((r) => setTimeout(r, 150));
    const stoppedAt = performance.now();
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    const reply = await inFlight;
    expect(reply.status).toBe(200);
    expect(((await reply.json()) as { fitness: number[] }).fitness).toEqual([3, 4]);
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(performance.now() - stoppedAt).toBeLessThan(5000);
  });

  it('refuses a malformed environment with a clear message and exit code 2', async () => {
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, GALAPAGOS_WORKERS: 'many' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    let stderr = '';
    child.stderr!.on('data', (c) => {
      stderr += c;
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toMatch(/GALAPAGOS_WORKERS must be an integer from 1 to 1024, got "many"/);
  });
});
