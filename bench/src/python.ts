/** DEAP scripts (`bench/python/`), run with settings as JSON on stdin, for the suites that measure DEAP beside Galápagos. */
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const script = (name: string) => fileURLToPath(new URL(`../python/${name}`, import.meta.url));

/** The Debian packages the scripts need, by the Python module missing. */
const PACKAGES: Record<string, string> = {
  deap: 'python3-deap',
  flask: 'python3-flask',
  aiohttp: 'python3-aiohttp',
  gunicorn: 'gunicorn',
};

const notInstalled = (module: string) =>
  `${module} is not installed here (apt-get install ${PACKAGES[module] ?? `python3-${module}`})`;

/** Debian's python3-deap lives beside the system Python, which may not be first on PATH. */
const PYTHONS = [process.env.GALAPAGOS_DEAP_PYTHON ?? 'python3', '/usr/bin/python3'];

/** Runs a DEAP script with settings on stdin; its JSON output, or why it could not run. */
export async function python<T>(name: string, settings: object): Promise<T | string> {
  let reason = '';
  for (const interpreter of PYTHONS) {
    const out = await pythonWith<T>(interpreter, name, settings);
    if (typeof out !== 'string') return out;
    reason = out;
  }
  return reason;
}

async function pythonWith<T>(
  interpreter: string,
  name: string,
  settings: object,
): Promise<T | string> {
  const child = promisify(execFile)(interpreter, [script(name)], { maxBuffer: 1 << 24 });
  child.child.stdin!.end(JSON.stringify(settings));
  try {
    return JSON.parse((await child).stdout) as T;
  } catch (error) {
    const message = (error as { stderr?: string }).stderr ?? String(error);
    const missing = /No module named '([\w.]+)'/.exec(message)?.[1];
    return missing ? notInstalled(missing) : message.trim().split('\n').at(-1)!;
  }
}

/**
 * The reference design's server (`python/reference_server.py`: Flask under gunicorn, `workers`
 * sync workers) on `port`, answering once it does; or why it could not start.
 */
export async function startReferenceServer(
  port: number,
  workers: number,
): Promise<{ url: string; stop(): void } | string> {
  for (const interpreter of PYTHONS) {
    const check = await promisify(execFile)(interpreter, ['-c', 'import flask, gunicorn']).catch(
      (error: { stderr?: string }) => error.stderr ?? String(error),
    );
    if (typeof check === 'string') {
      const missing = /No module named '([\w.]+)'/.exec(check)?.[1];
      if (interpreter === PYTHONS.at(-1)) return missing ? notInstalled(missing) : check;
      continue;
    }
    const child = spawn(
      interpreter,
      [
        '-m',
        'gunicorn',
        '-w',
        String(workers),
        '-b',
        `127.0.0.1:${port}`,
        '--log-level',
        'warning',
        'reference_server:app',
      ],
      { cwd: fileURLToPath(new URL('../python/', import.meta.url)), stdio: 'ignore' },
    );
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      if (
        await fetch(`${url}/one_max_fitness/1`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return { url, stop: () => child.kill() };
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill();
    return 'the reference server did not answer within 10 s';
  }
  return 'no Python interpreter';
}
