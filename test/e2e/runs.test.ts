// Runs as jobs on a server, as a user drives them: `galapagos submit / watch / status / cancel`
// against `galapagos serve` or `galapagos-server` serving the user's own module (written outside
// the repository), `galapagos report`. The logbook must equal the embedded run's, also when the
// server is killed mid-run and a new one resumes the run, and the event stream must deliver every
// generation once and in order across reconnections.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@galapagos/client';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../../packages/core/test-fixtures/redis.mjs';
import { writeUserProject } from '../../packages/core/test-fixtures/user-project.mjs';
import { cli, outcome, repoRoot, runCli } from './helpers.js';

const project = writeUserProject();
const serverMain = fileURLToPath(new URL('../../packages/server/dist/main.js', import.meta.url));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

interface Server {
  readonly url: string;
  readonly child: ChildProcess;
  log(): string;
  /** SIGKILL, and its exit. */
  kill(): Promise<void>;
  /** SIGTERM, and its exit code. */
  stop(): Promise<number | null>;
}

/**
 * A server with the run service, up once `/health` answers: `galapagos-server` itself
 * (`node …/main.js`), `galapagos serve`, or `pnpm serve` from the repository root (in a
 * process group of its own, ended as a group: pnpm's children are its server).
 */
async function startServer(
  options: { port?: number; env?: Record<string, string>; via?: 'serve' | 'main' | 'pnpm' } = {},
): Promise<Server> {
  const port = options.port ?? (await freePort());
  const viaServe = options.via === 'serve';
  const viaPnpm = options.via === 'pnpm';
  const child = spawn(
    viaPnpm ? 'pnpm' : process.execPath,
    viaServe
      ? [cli, 'serve', '--port', String(port), '--workers', '2', '--problems', project.fitness]
      : viaPnpm
        ? ['--silent', 'serve']
        : [serverMain],
    {
      cwd: viaPnpm ? repoRoot : project.dir,
      detached: viaPnpm,
      env: {
        ...process.env,
        PORT: String(port),
        GALAPAGOS_WORKERS: '2',
        GALAPAGOS_LOG_LEVEL: 'warn',
        ...(viaServe ? {} : { GALAPAGOS_PROBLEMS: project.fitness }),
        // Runs kept beside the project, wherever the server's working directory is.
        ...(viaPnpm ? { GALAPAGOS_RUNS_DIR: mkdtempSync(join(tmpdir(), 'galapagos-runs-')) } : {}),
        ...options.env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  children.push(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const url = `http://127.0.0.1:${port}`;
  const signal = (name: NodeJS.Signals) =>
    viaPnpm ? process.kill(-child.pid!, name) : child.kill(name);
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr}`);
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 300) throw new Error(`server did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    log: () => stderr,
    kill: async () => {
      const exit = once(child, 'exit');
      signal('SIGKILL');
      await exit;
    },
    stop: async () => {
      const exit = once(child, 'exit');
      signal('SIGTERM');
      return ((await exit) as [number | null])[0];
    },
  };
}

/** A config in the project: the run, the embedded target and the server. */
function config(url: string, run: Record<string, unknown> = {}, headers?: object): string {
  const file = join(project.dir, `runs-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      run: {
        problem: 'curve-fit',
        problems: ['./fitness.ts'],
        population: 24,
        generations: 10,
        seed: 11,
        ...run,
      },
      dispatch: { timeoutMs: 60_000 },
      targets: {
        embedded: { type: 'embedded', workers: 2 },
        server: { type: 'http', url, ...(headers ? { headers } : {}) },
      },
      defaultTarget: 'server',
    }),
  );
  return file;
}

/** `galapagos run` on the embedded target: the logbook every other way must give. */
async function embedded(file: string): Promise<string> {
  const r = await runCli(['run', '--config', file, '--target', 'embedded', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return outcome(JSON.parse(r.stdout));
}

/** A run's detail as a --json result's shape (logbook, best) for {@link outcome}. */
const outcomeOf = (detail: { logbook: unknown; bestIndividual?: unknown }) =>
  outcome({ logbook: detail.logbook, best: detail.bestIndividual });

async function detail(url: string, id: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/v1/runs/${id}`, { headers });
  expect(response.status).toBe(200);
  return (await response.json()) as {
    status: string;
    generation: number;
    logbook: { gen: number }[];
    bestIndividual?: unknown;
    resumed: number;
    error?: { code: string };
  };
}

async function until<T>(what: () => Promise<T>, done: (value: T) => boolean, ms = 60_000) {
  const started = Date.now();
  for (;;) {
    const value = await what();
    if (done(value)) return value;
    if (Date.now() - started > ms) throw new Error(`timed out: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The SSE events of a stream as { id, event, data }, read until it ends or `stopAfter` events. */
async function readEvents(
  url: string,
  headers: Record<string, string>,
  stopAfter = Number.POSITIVE_INFINITY,
) {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: { id?: string; event?: string; data: string }[] = [];
  let buffer = '';
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let at = buffer.indexOf('\n\n');
      while (at >= 0) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        at = buffer.indexOf('\n\n');
        const fields = Object.fromEntries(
          block
            .split('\n')
            .filter((l) => l && !l.startsWith(':'))
            .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trimStart()]),
        );
        if (fields.data === undefined) continue;
        events.push(fields as { id?: string; event?: string; data: string });
        if (events.length >= stopAfter) {
          controller.abort();
          return events;
        }
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  }
  return events;
}

describe('every listening server hosts runs', () => {
  it.each([
    ['pnpm serve', 'pnpm'],
    ['the galapagos-server bin run with node', 'main'],
    ['galapagos serve', 'serve'],
  ] as const)(
    '%s: POST /v1/runs is 202 and the run ends with the embedded logbook; /dashboard is 200',
    async (_name, via) => {
      const server = await startServer({
        via,
        env: { GALAPAGOS_RUNS_DIR: mkdtempSync(join(tmpdir(), 'galapagos-runs-')) },
      });
      try {
        const run = { problem: 'curve-fit', population: 16, generations: 4, seed: 7 };
        const submitted = await fetch(`${server.url}/v1/runs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ run }),
        });
        expect(submitted.status, server.log()).toBe(202);
        const { id } = (await submitted.json()) as { id: string };
        const done = await until(
          () => detail(server.url, id),
          (d) => d.status === 'succeeded' || d.status === 'failed',
        );
        expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
        expect(outcomeOf(done)).toBe(await embedded(config(server.url, run)));
        const dashboard = await fetch(`${server.url}/dashboard`);
        expect(dashboard.status).toBe(200);
        expect(await dashboard.text()).toMatch(/<!doctype html>/i);
      } finally {
        await server.stop();
      }
    },
  );
});

describe('runs on a server (POST /v1/runs)', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer({
      via: 'serve',
      env: { GALAPAGOS_RUNS_DIR: mkdtempSync(join(tmpdir(), 'galapagos-runs-')) },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("submitted with the user's module, ends with the embedded logbook (galapagos submit --watch)", async () => {
    const file = config(server.url);
    const here = await runCli(['run', '--config', file, '--target', 'embedded', '--json']);
    const expected = JSON.parse(here.stdout);
    const r = await runCli(['submit', '--config', file, '--watch', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ ok: true, status: 'succeeded', problem: 'curve-fit' });
    expect(outcomeOf(result)).toBe(outcome(expected));
    // The server ran the very code the client has.
    expect(result.fingerprint).toMatch(/^sha256:[0-9a-f]{12,}/);
    expect(result.fingerprint).toBe(expected.fingerprint);
  });

  it('answers 202 with Location, lists the run, and its state resumes locally into the same run', async () => {
    const file = config(server.url, { generations: 6 });
    const submitted = await fetch(`${server.url}/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        run: { problem: 'curve-fit', population: 24, generations: 6, seed: 11 },
      }),
    });
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };
    expect(submitted.headers.get('location')).toBe(`/v1/runs/${id}`);
    const done = await until(
      () => detail(server.url, id),
      (d) => d.status === 'succeeded',
    );
    expect(done.logbook.map((e) => e.gen)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const listed = (await (await fetch(`${server.url}/v1/runs`)).json()) as { id: string }[];
    expect(listed.map((r) => r.id)).toContain(id);
    expect(outcomeOf(done)).toBe(await embedded(file));
    const status = await runCli(['status', id, '--config', file]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`${id}\\s+succeeded\\s+curve-fit`));
    expect(status.stdout.trim().split('\n')).toHaveLength(2 + 7);
  });

  it('streams every generation once and in order, and resumes after Last-Event-ID', async () => {
    const slow = { cost: { ms: 25, mode: 'sleep' }, generations: 12 };
    const response = await fetch(`${server.url}/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ run: { problem: 'curve-fit', population: 24, seed: 5, ...slow } }),
    });
    const { id } = (await response.json()) as { id: string };
    const events = `${server.url}/v1/runs/${id}/events`;
    // Live: three generations, then the connection drops; a new one says where it was.
    const first = await readEvents(events, {}, 3);
    expect(first.map((e) => [e.event, e.id])).toEqual([
      ['generation', '0'],
      ['generation', '1'],
      ['generation', '2'],
    ]);
    const rest = await readEvents(events, { 'last-event-id': first.at(-1)!.id! });
    const gens = [...first, ...rest]
      .filter((e) => e.event === 'generation')
      .map((e) => Number(e.id));
    expect(gens).toEqual(Array.from({ length: 13 }, (_, g) => g));
    expect(rest.at(-1)).toMatchObject({ event: 'end' });
    expect(JSON.parse(rest.at(-1)!.data)).toMatchObject({
      id,
      status: 'succeeded',
      generation: 12,
    });
    // Each event's entry is the logbook's line of that generation.
    const final = await detail(server.url, id);
    for (const e of [...first, ...rest].filter((e) => e.event === 'generation'))
      expect(JSON.parse(e.data).entry).toEqual(final.logbook[Number(e.id)]);
    // A finished run replays after the given id, then ends at once.
    const replay = await readEvents(events, { 'last-event-id': '9' });
    expect(replay.map((e) => e.id ?? e.event)).toEqual(['10', '11', '12', 'end']);
  });

  it('cancels a running run (galapagos cancel); galapagos watch then exits 1', async () => {
    const file = config(server.url, { generations: 200, cost: { ms: 20, mode: 'sleep' } });
    const submitted = await runCli(['submit', '--config', file]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const id = submitted.stdout.trim();
    expect(id).toMatch(/^[a-z0-9]{10,}$/);
    expect(submitted.stderr).toContain(`galapagos watch ${id}`);
    await until(
      () => detail(server.url, id),
      (d) => d.generation >= 1,
    );
    const watching = runCli(['watch', id, '--config', file]);
    const cancelled = await runCli(['cancel', id, '--config', file]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toMatch(new RegExp(`run ${id} cancelled at generation \\d+ of 200`));
    const watched = await watching;
    expect(watched.code).toBe(1);
    expect(watched.stdout).toContain(`run ${id} cancelled`);
    const d = await detail(server.url, id);
    expect(d.status).toBe('cancelled');
    expect(d.generation).toBeLessThan(200);
  });

  it('refuses a bad run, an unknown target, an unknown id (exit 2, coded)', async () => {
    const file = config(server.url);
    const bad = await runCli(['submit', '--config', file, '--population', '1']);
    expect(bad.code).toBe(2);
    const target = await runCli(['submit', '--config', file, '--on', 'lambda']);
    expect(target.code).toBe(2);
    expect(target.stderr).toContain('GALAPAGOS_ERR_UNKNOWN_TARGET');
    expect(target.stderr).toContain('this server evaluates on self');
    const unknown = await runCli(['status', 'abcdef123456', '--config', file]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('GALAPAGOS_ERR_RUN_NOT_FOUND');
    const body = await fetch(`${server.url}/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ run: { problem: 'curve-fit', problems: ['/etc/passwd'] } }),
    });
    expect(body.status).toBe(400);
    expect(await body.json()).toMatchObject({ code: 'GALAPAGOS_ERR_INVALID_CONFIG' });
  });

  it('refuses a penalty fitness on a multi-objective problem at submit, as galapagos run does', async () => {
    const run = { problem: 'zdt1', population: 8, generations: 2, onError: { penalty: 1e9 } };
    const reply = await fetch(`${server.url}/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ run }),
    });
    expect(reply.status).toBe(400);
    const refused = (await reply.json()) as { code: string; message: string };
    expect(refused.code).toBe('GALAPAGOS_ERR_INVALID_CONFIG');
    const rule =
      '/run/onError: "zdt1" has several objectives: a penalty fitness is for single-objective problems';
    expect(refused.message).toContain(rule);
    // Nothing was queued.
    const listed = (await (await fetch(`${server.url}/v1/runs`)).json()) as { problem: string }[];
    expect(listed.map((r) => r.problem)).not.toContain('zdt1');
    // The CLI refuses the same run with the same words, before any target is opened.
    const file = config(server.url, { ...run, problems: undefined });
    const local = await runCli(['run', '--config', file, '--target', 'embedded']);
    expect(local.code).toBe(2);
    expect(local.stderr).toContain(rule);
  });

  it('writes a report and an SVG from a result, and prints their paths', async () => {
    const file = config(server.url, { generations: 5 });
    const out = mkdtempSync(join(tmpdir(), 'galapagos-report-'));
    const html = join(out, 'run.html');
    const r = await runCli([
      'run',
      '--config',
      file,
      '--target',
      'embedded',
      '--report',
      html,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.report).toBe(html);
    const page = readFileSync(html, 'utf8');
    // Self-contained: no script or stylesheet is fetched.
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    expect(page).toContain('vegaLite');
    // The cost per target is in the report too (the embedded pool's worker time, unpriced).
    expect(page).toContain(' · cost $0.00');
    writeFileSync(join(out, 'result.json'), r.stdout);
    const svg = join(out, 'run.svg');
    const rep = await runCli([
      'report',
      join(out, 'result.json'),
      '-o',
      join(out, 'r2.html'),
      '--svg',
      svg,
    ]);
    expect(rep.code, rep.stderr).toBe(0);
    expect(rep.stderr).toContain(`report: ${svg}`);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const notARun = await runCli(['report', file, '-o', join(out, 'x.html')]);
    expect(notARun.code).toBe(2);
    expect(notARun.stderr).toContain('holds no logbook');
    expect(existsSync(join(out, 'x.html'))).toBe(false);
  });
});

describe.each([
  ['a runs folder', 'folder'],
  ['Redis', 'redis'],
] as const)('a server killed mid-run, with runs in %s', (_name, store) => {
  let redis: TestRedis | undefined;
  beforeAll(async () => {
    if (store === 'redis') redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('is resumed by the next server, ends identically, and watch sees each generation once', async () => {
    const port = await freePort();
    const env: Record<string, string> =
      store === 'redis'
        ? { GALAPAGOS_RUNS_REDIS: redis!.url }
        : { GALAPAGOS_RUNS_DIR: mkdtempSync(join(tmpdir(), 'galapagos-runs-')) };
    let server = await startServer({ port, env });
    const file = config(server.url, { generations: 14, cost: { ms: 30, mode: 'sleep' } });
    const submitted = await runCli(['submit', '--config', file]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const id = submitted.stdout.trim();
    const watching = runCli(['watch', id, '--config', file]);
    await until(
      () => detail(server.url, id),
      (d) => d.generation >= 4,
    );
    await server.kill();
    if (store === 'redis') {
      const client = new Redis({ port: redis!.port, lazyConnect: true });
      await client.connect();
      const record = JSON.parse((await client.get(`galapagos:runs:${id}`))!);
      await client.quit();
      expect(record.status).toBe('running');
      expect(record.state.logbook.length).toBeGreaterThanOrEqual(5);
    }
    server = await startServer({ port, env });
    const done = await until(
      () => detail(server.url, id),
      (d) => d.status === 'succeeded',
    );
    expect(done.resumed).toBe(1);
    expect(outcomeOf(done)).toBe(await embedded(file));
    const watched = await watching;
    expect(watched.code, watched.stderr).toBe(0);
    expect(watched.stderr).toContain('reconnecting');
    const lines = watched.stdout.split('\n').filter((l) => /^\s+\d+\s+\d+\s/.test(l));
    expect(lines.map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual(
      Array.from({ length: 15 }, (_, g) => g),
    );
    expect(await server.stop()).toBe(0);
  });
});

describe('runs with API keys', () => {
  it('needs the key on every run route and event stream, not on the dashboard page', async () => {
    const server = await startServer({
      env: {
        GALAPAGOS_API_KEYS: 'k-e2e-secret',
        GALAPAGOS_RUNS_DIR: mkdtempSync(join(tmpdir(), 'galapagos-runs-')),
      },
    });
    try {
      const file = config(
        server.url,
        { generations: 3 },
        {
          authorization: { env: 'E2E_RUNS_KEY', prefix: 'Bearer ' },
        },
      );
      const refused = await runCli(['submit', '--config', file, '--watch'], {
        env: { E2E_RUNS_KEY: 'wrong' },
      });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('GALAPAGOS_ERR_UNAUTHORIZED');
      const ok = await runCli(['submit', '--config', file, '--watch'], {
        env: { E2E_RUNS_KEY: 'k-e2e-secret' },
      });
      expect(ok.code, ok.stderr).toBe(0);
      const id = ok.stdout.split('\n')[0]!;
      expect((await fetch(`${server.url}/v1/runs/${id}/events`)).status).toBe(401);
      expect((await fetch(`${server.url}/v1/runs`)).status).toBe(401);
      expect((await fetch(`${server.url}/dashboard`)).status).toBe(200);
      // --url takes the key from GALAPAGOS_API_KEY.
      const byUrl = await runCli(['status', id, '--url', server.url], {
        env: { GALAPAGOS_API_KEY: 'k-e2e-secret' },
      });
      expect(byUrl.code, byUrl.stderr).toBe(0);
    } finally {
      await server.stop();
    }
  });
});

describe("runs evaluated on the server's configured targets", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('evaluate on HTTP replicas or a fleet named in GALAPAGOS_CONFIG, runs kept in the queue’s Redis', async () => {
    // The replica: a plain server with the user's module and no runs of its own.
    const replica = await startServer({ env: { GALAPAGOS_RUNS: 'off' } });
    const worker = spawn(
      process.execPath,
      [
        cli,
        'worker',
        '--redis',
        redis.url,
        '--queue',
        'runs-e2e',
        '--workers',
        '2',
        '--problems',
        project.fitness,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    children.push(worker);
    let workerLog = '';
    worker.stderr!.setEncoding('utf8').on('data', (c: string) => {
      workerLog += c;
    });
    await until(
      async () => workerLog,
      (log) => log.includes('taking batches'),
      30_000,
    );
    const serverConfig = join(project.dir, 'server.config.json');
    writeFileSync(
      serverConfig,
      JSON.stringify({
        targets: {
          replicas: { type: 'http', urls: [replica.url] },
          fleet: { type: 'queue', url: redis.url, queue: 'runs-e2e' },
        },
      }),
    );
    const server = await startServer({ env: { GALAPAGOS_CONFIG: serverConfig } });
    try {
      const file = config(server.url, { generations: 6 });
      const expected = await embedded(file);
      const evaluations = async () =>
        Number(
          /galapagos_evaluations_total\{problem="curve-fit"\} (\d+)/.exec(
            await (await fetch(`${replica.url}/metrics`)).text(),
          )?.[1] ?? 0,
        );
      const before = await evaluations();
      for (const on of ['replicas', 'fleet']) {
        const r = await runCli(['submit', '--config', file, '--on', on, '--watch', '--json']);
        expect(r.code, `${on}: ${r.stderr}`).toBe(0);
        const result = JSON.parse(r.stdout);
        expect(result.target).toBe(on);
        expect(outcomeOf(result), on).toBe(expected);
        // No folder was named: the runs live in the queue's Redis.
        const client = new Redis({ port: redis.port, lazyConnect: true });
        await client.connect();
        expect(JSON.parse((await client.get(`galapagos:runs:${result.id}`))!).status).toBe(
          'succeeded',
        );
        await client.quit();
      }
      // The replica did the evaluating of the first run; the worker, of the second.
      expect(await evaluations()).toBeGreaterThan(before);
      const stop = once(worker, 'exit');
      worker.kill('SIGTERM');
      await stop;
      expect(Number(/stopped \((\d+) batches done/.exec(workerLog)?.[1])).toBeGreaterThan(0);
    } finally {
      await server.stop();
      await replica.stop();
    }
  });
});
