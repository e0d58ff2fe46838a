// The real Dockerfile, built and run with the real `docker` CLI (a Docker engine, or podman
// serving the Docker API where none runs; see deploy/docker/engine.mjs).
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort } from '@galapagos/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM module shared with the benchmarks
import { containerEngine, docker, healthy, logs } from '../../deploy/docker/engine.mjs';
import { multiObjectiveRun } from '../../packages/core/test-fixtures/adapters.mjs';
import { startRedis } from '../../packages/core/test-fixtures/redis.mjs';
import { writeUserProject } from '../../packages/core/test-fixtures/user-project.mjs';
import { cli, outcome, repoRoot, run } from './helpers.js';

type Engine = { kind: string; env: NodeJS.ProcessEnv; stop: () => Promise<void> };
const found = (await containerEngine()) as Engine | { skip: string };
if ('skip' in found) console.warn(`\n!!! CONTAINER TESTS SKIPPED: ${found.skip} !!!\n`);
const engine = 'skip' in found ? undefined : found;
const IMAGE = 'galapagos-server:e2e';
const started: string[] = [];

/** Starts a container of the image on a loopback port; resolves once it reports healthy. */
async function startContainer(
  extra: string[] = [],
  image = IMAGE,
): Promise<{ name: string; url: string }> {
  const port = await freePort();
  const name = `galapagos-e2e-${process.pid}-${started.length}`;
  started.push(name);
  docker(engine, [
    'run',
    '-d',
    '--name',
    name,
    '-p',
    `127.0.0.1:${port}:8080`,
    '-e',
    'GALAPAGOS_WORKERS=2',
    ...extra,
    image,
  ]);
  for (let i = 0; !healthy(engine, name); i++) {
    if (i > 100)
      throw new Error(`container never became healthy:\n${docker(engine, ['logs', name])}`);
    await sleep(200);
  }
  return { name, url: `http://127.0.0.1:${port}` };
}

const evaluated = async (url: string) =>
  Number(
    /galapagos_evaluations_total\{problem="onemax"\} (\d+)/.exec(
      await (await fetch(`${url}/metrics`)).text(),
    )?.[1] ?? 0,
  );

async function runCli(config: object, target: string, where?: string) {
  const dir = where ?? (await mkdtemp(join(tmpdir(), 'galapagos-docker-')));
  try {
    const file = join(dir, 'galapagos.config.json');
    await writeFile(file, JSON.stringify(config));
    const { stdout } = await promisify(execFile)(process.execPath, [
      cli,
      'run',
      '--config',
      file,
      '--target',
      target,
      '--json',
    ]);
    return JSON.parse(stdout) as {
      logbook: unknown;
      best: unknown;
      hallOfFame: unknown;
      fingerprint?: string;
    };
  } finally {
    if (!where) await rm(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!engine)('docker target', () => {
  let first: { name: string; url: string };

  beforeAll(async () => {
    docker(engine, [
      'build',
      '-f',
      join(repoRoot, 'deploy/docker/Dockerfile'),
      '-t',
      IMAGE,
      repoRoot,
    ]);
    first = await startContainer();
  }, 600_000);
  afterAll(async () => {
    for (const name of started) {
      try {
        docker(engine, ['rm', '-f', name]);
      } catch {}
    }
    try {
      docker(engine, ['rmi', '-f', 'galapagos-user:e2e']);
    } catch {}
    await engine?.stop();
  }, 60_000);

  it('builds a small image that runs as a non-root user', () => {
    const size = Number(docker(engine, ['image', 'inspect', '--format', '{{.Size}}', IMAGE]));
    // The base image (216 MB here) and some 65 MB of the server: its dependencies, the client
    // library its runs evolve with (the AWS SDK for Lambda targets among them) and Vega for the
    // dashboard.
    expect(size).toBeLessThan(300 * 1024 * 1024);
    expect(docker(engine, ['image', 'inspect', '--format', '{{.Config.User}}', IMAGE])).toBe(
      'node',
    );
    expect(docker(engine, ['exec', first.name, 'id', '-u'])).not.toBe('0');
  });

  it('runs its worker threads below the request thread', () => {
    // Field 19 of /proc/<pid>/task/<tid>/stat is the nice value; the image must carry the
    // native module piscina lowers its threads' priority with.
    const stats: string = docker(engine, [
      'exec',
      first.name,
      'sh',
      '-c',
      'cat /proc/1/task/*/stat',
    ]);
    const nice = stats
      .trim()
      .split('\n')
      .map((line) => Number(line.slice(line.lastIndexOf(')') + 2).split(' ')[16]));
    expect(nice[0]).toBe(0);
    expect(nice.filter((n) => n === 10)).toHaveLength(2);
  });

  it('galapagos run --target docker gives the same logbook as the local target', async () => {
    const config = {
      run: run(),
      targets: {
        docker: { type: 'http', url: first.url },
        embedded: { type: 'embedded', workers: 2 },
      },
    };
    const [viaDocker, local] = [await runCli(config, 'docker'), await runCli(config, 'embedded')];
    expect(outcome(viaDocker)).toBe(outcome(local));
  });

  it('hosts runs: POST /v1/runs is 202 and the run ends with the embedded logbook; /dashboard is 200', async () => {
    const submitted = await fetch(`${first.url}/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ run: run() }),
    });
    expect(submitted.status, logs(engine, first.name)).toBe(202);
    const { id } = (await submitted.json()) as { id: string };
    let detail: { status: string; logbook: unknown; bestIndividual?: unknown; error?: unknown };
    for (let i = 0; ; i++) {
      detail = (await (await fetch(`${first.url}/v1/runs/${id}`)).json()) as typeof detail;
      if (detail.status === 'succeeded' || detail.status === 'failed') break;
      if (i > 300) throw new Error(`the run did not end: ${JSON.stringify(detail)}`);
      await sleep(100);
    }
    expect(detail.status, JSON.stringify(detail.error)).toBe('succeeded');
    const local = await runCli(
      { run: run(), targets: { embedded: { type: 'embedded', workers: 2 } } },
      'embedded',
    );
    expect(outcome({ logbook: detail.logbook, best: detail.bestIndividual })).toBe(outcome(local));
    const dashboard = await fetch(`${first.url}/dashboard`);
    expect(dashboard.status).toBe(200);
  });

  it('carries fitness vectors: an NSGA-II run through the container gives the embedded front', async () => {
    const config = {
      run: multiObjectiveRun(),
      targets: {
        docker: { type: 'http', url: first.url },
        embedded: { type: 'embedded', workers: 2 },
      },
    };
    const [viaDocker, local] = [await runCli(config, 'docker'), await runCli(config, 'embedded')];
    expect(JSON.stringify([viaDocker.logbook, viaDocker.hallOfFame])).toBe(
      JSON.stringify([local.logbook, local.hallOfFame]),
    );
  });

  it("serves the user's problem module from a mounted folder, with the client's fingerprint and logbook", async () => {
    const project = writeUserProject();
    // The container runs as uid 1000: the mounted folder must be readable to it.
    await chmod(project.dir, 0o755);
    const mounted = await startContainer([
      '-v',
      `${project.dir}:/problems:ro`,
      '-e',
      'GALAPAGOS_PROBLEMS=/problems/fitness.ts',
    ]);
    const config = {
      run: {
        problem: 'curve-fit',
        problems: ['./fitness.ts'],
        population: 16,
        generations: 3,
        seed: 6,
      },
      targets: {
        docker: { type: 'http', url: mounted.url },
        embedded: { type: 'embedded', workers: 2 },
      },
    };
    const viaDocker = await runCli(config, 'docker', project.dir);
    const local = await runCli(config, 'embedded', project.dir);
    expect(viaDocker.fingerprint).toBe(local.fingerprint);
    expect(outcome(viaDocker)).toBe(outcome(local));
  });

  it('builds a derived image with the modules baked in, serving the same fingerprint', async () => {
    const project = writeUserProject();
    await chmod(project.dir, 0o755);
    docker(engine, [
      'build',
      '-f',
      join(repoRoot, 'deploy/docker/problems.Dockerfile'),
      '--build-arg',
      `BASE=${IMAGE}`,
      '-t',
      'galapagos-user:e2e',
      project.dir,
    ]);
    const baked = await startContainer([], 'galapagos-user:e2e');
    const config = {
      run: {
        problem: 'curve-fit',
        problems: ['./fitness.ts'],
        population: 12,
        generations: 2,
        seed: 2,
      },
      targets: {
        baked: { type: 'http', url: baked.url },
        embedded: { type: 'embedded', workers: 2 },
      },
    };
    const viaImage = await runCli(config, 'baked', project.dir);
    const local = await runCli(config, 'embedded', project.dir);
    expect(viaImage.fingerprint).toBe(local.fingerprint);
    expect(outcome(viaImage)).toBe(outcome(local));
  });

  it('two replicas serve one run together, and both evaluate', async () => {
    const second = await startContainer();
    const before = [await evaluated(first.url), await evaluated(second.url)];
    const config = {
      run: run({ seed: 99 }),
      dispatch: { batchSize: 4, concurrency: 4 },
      targets: {
        docker: { type: 'http', urls: [first.url, second.url] },
        embedded: { type: 'embedded', workers: 2 },
      },
    };
    const [viaDocker, local] = [await runCli(config, 'docker'), await runCli(config, 'embedded')];
    expect(outcome(viaDocker)).toBe(outcome(local));
    expect(await evaluated(first.url)).toBeGreaterThan(before[0]!);
    expect(await evaluated(second.url)).toBeGreaterThan(before[1]!);
    expect(docker(engine, ['logs', second.name])).toMatch(/"url":"\/v1\/evaluate"/);
  });

  it("runs as a fleet worker with the user's module: a queue run gives the embedded logbook, docker stop ends it gracefully", async () => {
    const redis = await startRedis();
    try {
      const project = writeUserProject();
      await chmod(project.dir, 0o755);
      const name = `galapagos-e2e-${process.pid}-worker`;
      started.push(name);
      docker(engine, [
        'run',
        '-d',
        '--name',
        name,
        // Redis listens on the host's loopback.
        '--network',
        'host',
        '-v',
        `${project.dir}:/problems:ro`,
        '-e',
        'GALAPAGOS_PROBLEMS=/problems/fitness.ts',
        '-e',
        `GALAPAGOS_REDIS_URL=${redis.url}`,
        '-e',
        'GALAPAGOS_QUEUE=container',
        '-e',
        'GALAPAGOS_WORKERS=2',
        IMAGE,
        'node',
        'dist/worker-main.js',
      ]);
      for (let i = 0; !logs(engine, name).includes('taking batches'); i++) {
        if (i > 150) throw new Error(`worker never started:\n${logs(engine, name)}`);
        await sleep(200);
      }
      const config = {
        run: {
          problem: 'curve-fit',
          problems: ['./fitness.ts'],
          population: 16,
          generations: 3,
          seed: 6,
        },
        targets: {
          fleet: { type: 'queue', url: redis.url, queue: 'container' },
          embedded: { type: 'embedded', workers: 2 },
        },
      };
      const viaFleet = await runCli(config, 'fleet', project.dir);
      const local = await runCli(config, 'embedded', project.dir);
      expect(viaFleet.fingerprint).toBe(local.fingerprint);
      expect(outcome(viaFleet)).toBe(outcome(local));
      docker(engine, ['stop', '--time', '15', name]);
      expect(docker(engine, ['inspect', '--format', '{{.State.ExitCode}}', name])).toBe('0');
      expect(logs(engine, name)).toMatch(/stopped \([1-9]\d* batches done, 0 failed/);
    } finally {
      await redis.stop();
    }
  });

  it('docker stop ends it gracefully, exit 0, while an in-flight request completes', async () => {
    const inFlight = fetch(`${first.url}/v1/evaluate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        problem: 'onemax',
        params: { length: 4 },
        cost: { ms: 1500, mode: 'sleep' },
        genomes: ['0111', '1111'],
      }),
    });
    await sleep(300);
    const stopping = performance.now();
    docker(engine, ['stop', '--time', '10', first.name]);
    const stopSeconds = (performance.now() - stopping) / 1000;
    const reply = await inFlight;
    expect(reply.status).toBe(200);
    expect(((await reply.json()) as { fitness: number[] }).fitness).toEqual([3, 4]);
    expect(docker(engine, ['inspect', '--format', '{{.State.ExitCode}}', first.name])).toBe('0');
    expect(stopSeconds).toBeLessThan(6);
  });
});
