/**
 * What a command problem's fingerprint covers: the files its command names, every file with
 * the same extension in the same folder (a simulator's own imports: `sim.py` importing
 * `helper.py`), and the globs its `files` option lists (data, models, other languages).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { globSync } from 'tinyglobby';

export interface SourceSpec {
  readonly command: readonly [string, ...string[]];
  readonly cwd?: string | undefined;
  readonly files?: readonly string[] | undefined;
}

/** The files the fingerprint reads, sorted (absolute paths). */
export function sourceFiles(spec: SourceSpec): string[] {
  const cwd = spec.cwd ?? process.cwd();
  const files = new Set<string>();
  for (const arg of spec.command.slice(1)) {
    const file = resolve(cwd, arg);
    if (!existsSync(file) || !statSync(file).isFile()) continue;
    files.add(file);
    const ext = extname(file);
    if (ext !== '')
      for (const sibling of globSync(`*${ext}`, { cwd: dirname(file), absolute: true }))
        files.add(resolve(sibling));
  }
  for (const pattern of spec.files ?? [])
    for (const file of globSync(pattern, { cwd, absolute: true, onlyFiles: true }))
      files.add(resolve(file));
  return [...files].sort();
}

/** Hash of the command and of every file it covers (names relative to cwd, and contents). */
export function sourceOf(spec: SourceSpec): string {
  const cwd = spec.cwd ?? process.cwd();
  const hash = createHash('sha256').update(JSON.stringify(spec.command));
  for (const file of sourceFiles(spec)) {
    hash.update(`\n${file.startsWith(cwd) ? file.slice(cwd.length) : file}\n`);
    hash.update(readFileSync(file));
  }
  return `command ${spec.command.join(' ')} ${hash.digest('hex')}`;
}
