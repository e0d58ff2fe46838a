import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';

/** The machine a figure was measured on. */
export function machine() {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Writes `bench/results/<suite>.json` with the machine, commit and the suite's figures. */
export function writeResult(
  suite: string,
  parameters: object,
  figures: object,
  svg?: string,
): string {
  const dir = new URL('../results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`${suite}.json`, dir);
  const body = {
    suite,
    date: new Date().toISOString(),
    commit: commit(),
    machine: machine(),
    parameters,
    figures,
  };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  if (svg !== undefined) writeFileSync(new URL(`${suite}.svg`, dir), svg);
  return file.pathname;
}
