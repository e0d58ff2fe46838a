import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SpawnError } from './errors.js';
import { threadsOf } from './targets/types.js';

/** A server this run uses; `stop` ends it only if this run started it. */
export interface LocalServer {
  readonly url: string;
  readonly spawned: boolean;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

async function healthy(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const reply = await fetch(`${url.replace(/\/+$/, '')}/health`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    await reply.arrayBuffer();
    return reply.ok;
  } catch {
    return false;
  }
}

/** A free TCP port on the loopback interface (for servers started by runs and tests). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** How to start a local `galapagos-server`. */
export interface StartServerOptions {
  /**
   * The server's entry file (`@galapagos/server/entries`' `SERVER_ENTRY`): this library does
   * not depend on the server; the program that starts one names it.
   */
  readonly entry: string;
  /** Loopback port; default: a free one. */
  readonly port?: number;
  /** Evaluation threads (its `GALAPAGOS_THREADS`); default: one per core. */
  readonly threads?: number;
  /** @deprecated the old name of `threads` */
  readonly workers?: number;
  /** Extra environment (`GALAPAGOS_*` settings). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Starts `galapagos-server` on a loopback port as a child process and waits until `/health`
 * answers. `stop()` ends it by PID: SIGTERM, then SIGKILL after 10 s. The server also ends
 * when this process dies without stopping it (`kill -9`): its standard input is a pipe from
 * here, and it shuts down when the pipe closes (`GALAPAGOS_PARENT_LIFELINE`).
 */
export async function startServer(options: StartServerOptions): Promise<LocalServer> {
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(process.execPath, [options.entry], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      GALAPAGOS_LOG_LEVEL: 'warn',
      ...(threadsOf(options) ? { GALAPAGOS_THREADS: String(threadsOf(options)) } : {}),
      // A server started for one run evaluates only: it keeps no runs folder.
      GALAPAGOS_RUNS: 'off',
      ...options.env,
      GALAPAGOS_PARENT_LIFELINE: 'stdin',
    },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  // The lifeline does not keep this process alive, and its end is not an error here.
  child.stdin!.on('error', () => {});
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const forced = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(forced);
  };
  const deadline = Date.now() + 30_000;
  while (!(await healthy(url, 1000))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new SpawnError(
        `the local server did not become healthy${child.exitCode !== null ? ` (exit code ${child.exitCode})` : ' within 30 s'}: ${stderr.trim() || 'no output'}`,
      );
    }
    await sleep(50);
  }
  return { url, spawned: true, pid: child.pid, stop };
}

/** Whether a loopback port can be listened on now. */
async function portFree(port: number): Promise<boolean> {
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(port, '127.0.0.1', resolve);
    });
    return true;
  } catch {
    return false;
  } finally {
    if (probe.listening) await new Promise((resolve) => probe.close(resolve));
  }
}

/** The port a spawned server should use: the URL's own when it names a free one on loopback. */
async function portFor(url: string): Promise<number | undefined> {
  const { hostname, port } = new URL(url);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
  return loopback && port !== '' && Number(port) > 1023 && (await portFree(Number(port)))
    ? Number(port)
    : undefined;
}

/** How a run starts a local server: `spawn: true` or its settings. */
export type SpawnSettings =
  | boolean
  | {
      readonly threads?: number;
      /** The old name of `threads`. */
      readonly workers?: number;
      readonly env?: Record<string, string>;
    };

/**
 * Uses the server at `url` if one answers `/health`; otherwise starts one (see
 * {@link startServer}) on the URL's port when it is a free loopback port, else on a free one.
 */
export async function ensureLocalServer(
  url: string,
  options: SpawnSettings,
  problemModules: readonly string[],
  entry: string | undefined,
): Promise<LocalServer> {
  if (await healthy(url, 1000))
    return { url, spawned: false, pid: undefined, stop: async () => {} };
  const settings = typeof options === 'object' ? options : {};
  const env = {
    ...settings.env,
    ...(problemModules.length > 0 ? { GALAPAGOS_PROBLEMS: problemModules.join(',') } : {}),
  };
  if (entry === undefined)
    throw new SpawnError(
      `no server answers ${url}, and this program cannot start one ("spawn" needs @galapagos/server: run it with the galapagos command, or start a server yourself and drop "spawn")`,
    );
  const port = await portFor(url);
  return startServer({
    entry,
    ...(port === undefined ? {} : { port }),
    ...(threadsOf(settings) ? { threads: threadsOf(settings) } : {}),
    env,
  });
}
