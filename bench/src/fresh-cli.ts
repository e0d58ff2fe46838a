/**
 * A run as users make it: a fresh `galapagos run --config FILE --target T --json` process,
 * through the CLI package's bin (what npm installs), its result read from stdout. The
 * suites put its figures beside the harness's (the same run in the bench process, warm).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const client = fileURLToPath(new URL('../../packages/cli/', import.meta.url));
/** The CLI as npm installs it: the package's bin. */
const bin = join(
  client,
  (JSON.parse(readFileSync(join(client, 'package.json'), 'utf8')) as { bin: { galapagos: string } })
    .bin.galapagos,
);
/** Loaded before the CLI: prints the process's peak RSS (KiB) on stderr as it exits. */
const PEAK_RSS_HOOK = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\ngalapagos-bench-maxrss '+process.resourceUsage().maxRSS+'\\n'))`;

export interface CliRun {
  readonly elapsedMs: number;
  readonly evaluations: number;
  readonly evalsPerSecond: number;
  /** Logbook lines: generations run, the initial one included. */
  readonly rounds: number;
  /** Evaluations of each generation (the logbook's `nevals`). */
  readonly nevals: readonly number[];
  /** Peak RSS of the whole process, bytes. */
  readonly peakRss: number;
  /** Wall time of the process, start to exit, ms. */
  readonly processMs: number;
}

let folder: string | undefined;
/** The config files' folder, made on first use and removed as the bench exits. */
function configFolder(): string {
  if (folder === undefined) {
    const made = mkdtempSync(join(tmpdir(), 'galapagos-bench-cli-'));
    process.on('exit', () => rmSync(made, { recursive: true, force: true }));
    folder = made;
  }
  return folder;
}

/** One fresh `galapagos run --config FILE --target T --json`, `config` written to FILE. */
export async function cliRun(config: object, target: string): Promise<CliRun> {
  const dir = configFolder();
  const file = join(dir, `config-${target}.json`);
  writeFileSync(file, JSON.stringify(config));
  const started = performance.now();
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--import', PEAK_RSS_HOOK, bin, 'run', '--config', file, '--target', target, '--json'],
    { cwd: dir, maxBuffer: 1 << 26, env: { ...process.env, GALAPAGOS_LOG_LEVEL: 'warn' } },
  );
  const processMs = performance.now() - started;
  const result = JSON.parse(stdout) as {
    elapsedMs: number;
    evaluations: number;
    evalsPerSecond: number;
    logbook: { nevals: number }[];
  };
  const rss = Number(/galapagos-bench-maxrss (\d+)/.exec(stderr)?.[1] ?? Number.NaN) * 1024;
  return {
    elapsedMs: result.elapsedMs,
    evaluations: result.evaluations,
    evalsPerSecond: result.evalsPerSecond,
    rounds: result.logbook.length,
    nevals: result.logbook.map((entry) => entry.nevals),
    peakRss: rss,
    processMs,
  };
}
