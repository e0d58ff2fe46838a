/**
 * Suite `hostile`: what a burst of large bodies and a flood of idle connections do to a
 * server process: peak RSS (the kernel's high-water mark) and the statuses of the burst;
 * `/health` latency and failures during the flood. `--server PATH` measures another build's
 * `main.js` (e.g. an older checkout) the same way.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '@galapagos/client';
import { median, writeResult } from './report.js';

const BURST = 60;
const BODY_MB = 15;
const FLOOD = 21_000;
const FLOOD_SECONDS = 8;
const FD_LIMIT = 20_000;

const statusKb = (pid: number, field: 'VmHWM' | 'VmRSS') =>
  Number(
    new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ??
      0,
  );

async function startServer(main: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  // At most 20,000 open files, hard limit included (Node raises its soft limit to the hard
  // one), as on the hosts these figures are compared with.
  const child = spawn(
    'sh',
    ['-c', `ulimit -n ${FD_LIMIT} && exec "$0" "$1"`, process.execPath, main],
    {
      env: {
        ...process.env,
        PORT: String(port),
        GALAPAGOS_WORKERS: '2',
        GALAPAGOS_LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, url };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

/** 60 concurrent evaluate requests of 15 MB each (valid OneMax batches). */
async function burst(url: string, pid: number) {
  const genome = '1'.repeat(1000);
  const count = Math.floor((BODY_MB * 1024 * 1024) / (genome.length + 3));
  const body = JSON.stringify({
    problem: 'onemax',
    params: { length: 1000 },
    genomes: Array(count).fill(genome),
  });
  const baseline = statusKb(pid, 'VmRSS');
  const started = performance.now();
  const statuses = await Promise.all(
    Array.from({ length: BURST }, () =>
      fetch(`${url}/v1/evaluate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      }).then(
        async (r) => {
          await r.arrayBuffer();
          return String(r.status);
        },
        (e: Error) => `error ${(e.cause as { code?: string })?.code ?? e.message}`,
      ),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const peakMb = statusKb(pid, 'VmHWM') / 1024;
  await new Promise((r) => setTimeout(r, 3000));
  const afterMb = statusKb(pid, 'VmRSS') / 1024;
  const tally: Record<string, number> = {};
  for (const s of statuses) tally[s] = (tally[s] ?? 0) + 1;
  return {
    baselineMb: baseline / 1024,
    peakMb,
    afterMb,
    seconds,
    statuses: tally,
    bodyMb: body.length / 2 ** 20,
  };
}

/** Idle connections held by helper processes while /health is probed. */
async function flood(url: string, pid: number) {
  const port = new URL(url).port;
  const helper = join(dirname(new URL(import.meta.url).pathname), 'flood-helper.js');
  const helpers = [0, 1].map(() =>
    fork(helper, [port, String(FLOOD / 2)], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] }),
  );
  // Probe once every connection attempt has settled (connected or refused).
  const opened = await Promise.all(
    helpers.map(
      (h) =>
        new Promise<{ connected: number; failed: number }>((resolve) =>
          h.once('message', (m) => resolve(m as { connected: number; failed: number })),
        ),
    ),
  );
  const latencies: number[] = [];
  let failures = 0;
  const until = performance.now() + FLOOD_SECONDS * 1000;
  while (performance.now() < until) {
    const started = performance.now();
    const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) }).then(
      async (r) => {
        await r.arrayBuffer();
        return r.ok;
      },
      () => false,
    );
    if (ok) latencies.push(performance.now() - started);
    else failures++;
    await new Promise((r) => setTimeout(r, 100));
  }
  const serverFds = readdirSync(`/proc/${pid}/fd`).length;
  for (const h of helpers) h.kill('SIGKILL');
  return {
    connected: opened.reduce((n, o) => n + o.connected, 0),
    refused: opened.reduce((n, o) => n + o.failed, 0),
    serverFds,
    probes: latencies.length + failures,
    failures,
    healthMedianMs: latencies.length ? median(latencies) : null,
    healthMaxMs: latencies.length ? Math.max(...latencies) : null,
  };
}

export async function hostileSuite(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { server: { type: 'string' } }, strict: true });
  const main =
    values.server ??
    join(
      dirname(createRequire(import.meta.url).resolve('@galapagos/server/package.json')),
      'dist/main.js',
    );
  const results: Record<string, unknown> = { server: main };
  for (const [name, run] of [
    ['burst', burst],
    ['flood', flood],
  ] as const) {
    const { child, url } = await startServer(main);
    try {
      const figures = await run(url, child.pid!);
      results[name] = figures;
      console.log(`${name}: ${JSON.stringify(figures)}`);
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  if (values.server) console.log('(another build: results not written)');
  else
    console.log(
      `wrote ${writeResult('hostile', { burst: BURST, bodyMb: BODY_MB, flood: FLOOD, floodSeconds: FLOOD_SECONDS }, results)}`,
    );
}
