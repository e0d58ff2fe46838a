// A worker fleet on a real Redis (BullMQ), run as a user runs it: `galapagos worker` processes
// serving the user's own module (written outside the repository), and `galapagos run --target`
// a queue target. Logbooks must equal the embedded run's whatever the fleet does: 1, 2 or 3
// workers, a worker SIGKILLed mid-run while another joins, Redis restarted mid-run.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../../packages/core/test-fixtures/redis.mjs';
import { writeUserProject } from '../../packages/core/test-fixtures/user-project.mjs';
import { cli, outcome, runCli } from './helpers.js';

const project = writeUserProject();
let redis: TestRedis;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  await redis?.stop();
});

interface Worker {
  readonly child: ChildProcess;
  /** Everything it said on stderr so far. */
  log(): string;
  /** SIGTERM, then its exit; returns the batches it says it completed. */
  stop(): Promise<number>;
}

/** `galapagos worker` serving the project's modules, ready once it says so. */
async function startWorker(
  queue: string,
  options: {
    threads?: number;
    modules?: string[];
    url?: string;
    env?: Record<string, string>;
    lockMs?: number;
  } = {},
): Promise<Worker> {
  const child = spawn(
    process.execPath,
    [
      cli,
      'worker',
      '--redis',
      options.url ?? redis.url,
      '--queue',
      queue,
      '--workers',
      String(options.threads ?? 2),
      '--lock-ms',
      String(options.lockMs ?? 2000),
      '--problems',
      ...(options.modules ?? [project.fitness, project.fragile]),
    ],
    { env: { ...process.env, ...options.env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  workers.push(child);
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => {
    log += c;
  });
  const deadline = Date.now() + 30_000;
  while (!log.includes('taking batches')) {
    if (child.exitCode !== null) throw new Error(`worker exited ${child.exitCode}: ${log}`);
    if (Date.now() > deadline) throw new Error(`worker did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      return Number(/stopped \((\d+) batches done/.exec(log)?.[1] ?? -1);
    },
  };
}

let queues = 0;
/** A config in the project with an embedded and a queue target on a queue of its own. */
function config(
  run: Record<string, unknown>,
  target: Record<string, unknown> = {},
  dispatch: Record<string, unknown> = {},
) {
  const queue = `e2e-${process.pid}-${++queues}`;
  const file = join(project.dir, `fleet-${queues}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      run: { problem: 'curve-fit', problems: ['./fitness.ts'], seed: 11, ...run },
      dispatch: { timeoutMs: 60_000, retries: 8, ...dispatch },
      targets: {
        embedded: { type: 'embedded', workers: 2 },
        fleet: { type: 'queue', url: redis.url, queue, ...target },
      },
      defaultTarget: 'fleet',
    }),
  );
  return { queue, file };
}

const json = (stdout: string) =>
  JSON.parse(stdout) as {
    ok: boolean;
    logbook: unknown[];
    best: unknown;
    retries: number;
    utilisation?: number;
    error?: { code: string; message: string };
  };

/** A run's --json result; a process that printed none fails the test on its first check. */
const parse = (stdout: string): ReturnType<typeof json> =>
  stdout ? json(stdout) : { ok: false, logbook: [], best: undefined, retries: -1 };

/** The run on one target of a config, through the CLI. */
async function run(file: string, target: string, env: Record<string, string> = {}) {
  const r = await runCli(['run', '--config', file, '--target', target, '--json'], {
    cwd: project.dir,
    env,
  });
  return { ...r, result: parse(r.stdout) };
}

/**
 * Starts a run (with a checkpoint after every generation) and resolves once generation `gen`
 * is done, with the run's own end still ahead in `done`.
 */
async function runUntil(file: string, gen: number, env: Record<string, string> = {}) {
  const checkpoint = `${file}.state.json`;
  const child = spawn(
    process.execPath,
    [cli, 'run', '--config', file, '--json', '--checkpoint', checkpoint],
    { cwd: project.dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
  });
  child.stderr!.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const done = once(child, 'exit').then(([code]) => ({
    code: code as number | null,
    stdout,
    stderr,
    result: parse(stdout),
  }));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if (
        (JSON.parse(readFileSync(checkpoint, 'utf8')) as { generation: number }).generation >= gen
      )
        return { done };
    } catch {
      // Not written yet (or being written).
    }
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`the run did not reach generation ${gen}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Watches a queue from outside, as BullMQ sees it: stalled batches, who holds what. */
function queueWatch(name: string) {
  const connections = [0, 1].map(
    () => new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: null }),
  );
  const queue = new Queue(name, { connection: connections[0]! });
  const events = new QueueEvents(name, { connection: connections[1]! });
  let stalled = 0;
  events.on('stalled', () => stalled++);
  return {
    stalled: () => stalled,
    /** Until a worker process (by pid) holds a batch. */
    async untilActiveOn(pid: number) {
      const deadline = Date.now() + 30_000;
      while (!(await queue.getActive()).some((j) => j.processedBy?.endsWith(`:${pid}`))) {
        if (Date.now() > deadline) throw new Error(`worker ${pid} never held a batch`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async close() {
      await Promise.all([queue.close(), events.close()]);
      for (const c of connections) c.disconnect();
    },
  };
}

describe('a worker fleet on Redis', () => {
  it('gives the embedded logbook with 1, 2 and 3 workers, each taking batches', async () => {
    const { queue, file } = config({
      population: 30,
      generations: 5,
      cost: { ms: 20, mode: 'sleep' },
    });
    const embedded = await run(file, 'embedded');
    expect(embedded.code, embedded.stderr).toBe(0);
    for (const n of [1, 2, 3]) {
      const fleet = await Promise.all(Array.from({ length: n }, () => startWorker(queue)));
      const r = await run(file, 'fleet');
      expect(r.code, r.stderr).toBe(0);
      expect(outcome(r.result), `${n} workers`).toBe(outcome(embedded.result));
      const done = await Promise.all(fleet.map((w) => w.stop()));
      for (const d of done) expect(d, `${n} workers: ${done}`).toBeGreaterThan(0);
    }
  });

  it('gives the same logbook when a worker is SIGKILLed mid-batch and another joins: the batch stalls and is taken over', async () => {
    const { queue, file } = config(
      { population: 20, generations: 8, cost: { ms: 150, mode: 'sleep' } },
      {},
      // No duplicates of slow batches: the takeover is BullMQ's (stalled job), not the client's.
      { speculate: false },
    );
    const embedded = await run(file, 'embedded');
    const [doomed, survivor] = await Promise.all([startWorker(queue), startWorker(queue)]);
    const watch = queueWatch(queue);
    try {
      const { done } = await runUntil(file, 2);
      // Killed while it holds a batch.
      await watch.untilActiveOn(doomed.child.pid!);
      doomed.child.kill('SIGKILL');
      const joiner = await startWorker(queue);
      const r = await done;
      expect(r.code, r.stderr).toBe(0);
      expect(outcome(r.result)).toBe(outcome(embedded.result));
      expect(watch.stalled()).toBeGreaterThan(0);
      // Nothing timed out or failed on the client's side: the queue recovered the batch.
      expect(r.result.retries).toBe(0);
      expect(await joiner.stop(), joiner.log()).toBeGreaterThan(0);
      await survivor.stop();
    } finally {
      await watch.close();
    }
  });

  it('gives the same logbook when a worker is SIGKILLed, with duplicates of its slow batches', async () => {
    const { queue, file } = config({
      population: 20,
      generations: 6,
      cost: { ms: 150, mode: 'sleep' },
    });
    const embedded = await run(file, 'embedded');
    const [doomed, survivor] = await Promise.all([startWorker(queue), startWorker(queue)]);
    const { done } = await runUntil(file, 2);
    doomed.child.kill('SIGKILL');
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    expect(outcome(r.result)).toBe(outcome(embedded.result));
    expect(await survivor.stop()).toBeGreaterThan(0);
  });

  it('continues after Redis restarts mid-run (empty), with the same logbook', async () => {
    const { queue, file } = config({
      population: 20,
      generations: 8,
      cost: { ms: 150, mode: 'sleep' },
    });
    const embedded = await run(file, 'embedded');
    const fleet = await Promise.all([startWorker(queue), startWorker(queue)]);
    const { done } = await runUntil(file, 2);
    await redis.restart(500);
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    expect(outcome(r.result)).toBe(outcome(embedded.result));
    // The outage was seen and ridden out: batches were sent again.
    expect(r.result.retries).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/GALAPAGOS_ERR_UNREACHABLE: Redis at redis:\/\/127\.0\.0\.1:\d+/);
    for (const w of fleet) expect(await w.stop()).toBeGreaterThan(0);
  });

  it('fails with a clear code once the retry budget is spent when Redis stays away', async () => {
    const down = await startRedis();
    const { queue, file } = config(
      { population: 20, generations: 8, cost: { ms: 150, mode: 'sleep' } },
      { url: down.url },
    );
    await startWorker(queue, { url: down.url });
    const dispatchFile = file.replace(/\.json$/, '-retries.json');
    const parsed = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(dispatchFile, JSON.stringify({ ...parsed, dispatch: { retries: 2 } }));
    const { done } = await runUntil(dispatchFile, 1);
    await down.stop();
    const r = await done;
    expect(r.code).toBe(1);
    expect(r.result.error).toMatchObject({
      code: 'GALAPAGOS_ERR_UNREACHABLE',
      message: expect.stringContaining(down.url),
    });
  });

  it('fails a poisoned batch once with its error, or penalises it with run.onError', async () => {
    const { queue, file } = config({
      problem: 'fragile-onemax',
      problems: [project.fragile],
      population: 40,
      generations: 6,
    });
    const fleet = await startWorker(queue);
    const r = await run(file, 'fleet');
    expect(r.code).toBe(1);
    expect(r.result.error).toMatchObject({
      code: 'GALAPAGOS_ERR_EVALUATION_FAILED',
      message: expect.stringMatching(/fitness threw: simulator diverged/),
    });
    // Not retried: a fitness that throws throws again.
    expect(r.stderr).not.toMatch(/retrying/);

    const penalty = file.replace(/\.json$/, '-penalty.json');
    const parsed = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(
      penalty,
      JSON.stringify({ ...parsed, run: { ...parsed.run, onError: { penalty: -1 } } }),
    );
    const [onFleet, embedded] = [await run(penalty, 'fleet'), await run(penalty, 'embedded')];
    expect(onFleet.code, onFleet.stderr).toBe(0);
    expect(outcome(onFleet.result)).toBe(outcome(embedded.result));
    expect(await fleet.stop()).toBeGreaterThan(0);
  });

  it('waits for a first worker, then says none takes batches', async () => {
    const { file } = config({ population: 10, generations: 1 });
    const parsed = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...parsed, dispatch: { timeoutMs: 2000 } }));
    const r = await run(file, 'fleet');
    expect(r.code).toBe(1);
    expect(r.result.error).toMatchObject({
      code: 'GALAPAGOS_ERR_NO_WORKERS',
      message: expect.stringContaining('galapagos worker --redis'),
    });
  });

  it('refuses a fleet whose worker runs an edited copy of the module, naming it', async () => {
    const edited = writeUserProject({ edit: true });
    const { queue, file } = config({ population: 10, generations: 1 });
    const stale = await startWorker(queue, { modules: [edited.fitness] });
    const r = await run(file, 'fleet');
    expect(r.code).toBe(2);
    expect(r.result.error).toMatchObject({
      code: 'GALAPAGOS_ERR_PROBLEM_MISMATCH',
      message: expect.stringContaining(`worker `),
    });
    await stale.stop();
  });

  it('keeps going with the workers that match when a foreign one joins: identical to embedded', async () => {
    const edited = writeUserProject({ edit: true });
    const { queue, file } = config({ population: 30, generations: 4 });
    const foreign = await startWorker(queue, { modules: [edited.fitness], threads: 2 });
    const matching = await startWorker(queue, { threads: 2 });
    const [onFleet, embedded] = [await run(file, 'fleet'), await run(file, 'embedded')];
    expect(onFleet.code, onFleet.stderr).toBe(0);
    expect(outcome(onFleet.result)).toBe(outcome(embedded.result));
    // Named and excluded; it evaluated none of the run's batches, and said why.
    expect(onFleet.stderr).toMatch(
      new RegExp(
        `warning: .*:${foreign.child.pid} serves problem "curve-fit" with fingerprint sha256:\\S+, not this run's .*excluded`,
      ),
    );
    expect(foreign.log()).toMatch(/hands that run's batches back/);
    expect(await foreign.stop()).toBe(0);
    expect(await matching.stop()).toBeGreaterThan(0);
  });

  it('lists the live workers in galapagos targets', async () => {
    const { queue, file } = config({});
    const fleet = await Promise.all([startWorker(queue, { threads: 3 }), startWorker(queue)]);
    const r = await runCli(['targets', '--config', file], { cwd: project.dir });
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('fleet'));
    expect(rows).toHaveLength(2);
    expect(rows.map((l) => /\sok\s+\S+\s+(\d+)/.exec(l)?.[1]).sort()).toEqual(['2', '3']);
    for (const w of fleet) await w.stop();
    const none = await runCli(['targets', '--config', file], { cwd: project.dir });
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/no live workers/);
  });
});

describe('a fleet on a Redis with a password and TLS', () => {
  it('takes credentials from the environment only, and trusts the server through NODE_EXTRA_CA_CERTS', async () => {
    const secure = await startRedis({ password: 'fleet-secret', tls: true });
    try {
      const { queue, file } = config({ population: 16, generations: 3 }, { url: secure.url });
      const env = { NODE_EXTRA_CA_CERTS: secure.cert!, GALAPAGOS_REDIS_PASSWORD: 'fleet-secret' };
      const fleet = await startWorker(queue, { url: secure.url, env });
      const embedded = await run(file, 'embedded');
      const r = await run(file, 'fleet', env);
      expect(r.code, r.stderr).toBe(0);
      expect(outcome(r.result)).toBe(outcome(embedded.result));

      const noPassword = await run(file, 'fleet', { NODE_EXTRA_CA_CERTS: secure.cert! });
      expect(noPassword.code).toBe(1);
      expect(noPassword.result.error?.code).toBe('GALAPAGOS_ERR_UNAUTHORIZED');
      expect(noPassword.result.error?.message).toMatch(/GALAPAGOS_REDIS_PASSWORD/);

      // A password in the URL is refused before anything connects.
      const inUrl = secure.url.replace('rediss://', 'rediss://:fleet-secret@');
      const refused = await runCli(['worker', '--redis', inUrl, '--queue', queue], {
        cwd: project.dir,
        env,
      });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/GALAPAGOS_ERR_SETTINGS: .*must not hold a password/);
      expect(refused.stderr).not.toContain('fleet-secret');
      await fleet.stop();
    } finally {
      await secure.stop();
    }
  });
});
