/** DEAP scripts (`bench/python/`), run with settings as JSON on stdin, for the suites that measure DEAP beside Galápagos. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const script = (name: string) => fileURLToPath(new URL(`../python/${name}`, import.meta.url));

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
    return /No module named 'deap'/.test(message)
      ? 'DEAP is not installed here (apt-get install python3-deap)'
      : message.trim().split('\n').at(-1)!;
  }
}
