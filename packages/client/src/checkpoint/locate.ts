/**
 * Where a run's checkpoints live by default: a `.galapagos/` folder beside the config file (or
 * in the working folder without one), one file per run, and which of them `galapagos run
 * --resume` without a file picks: the latest unfinished run of the same config.
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CheckpointError } from '../errors.js';
import { type Checkpoint, readCheckpointFile } from './file.js';

export const CHECKPOINT_FOLDER = '.galapagos';

/** The checkpoint folder for a config file (absolute path), or for the working folder. */
export function checkpointFolder(configFile: string | undefined, cwd = process.cwd()): string {
  return join(configFile ? dirname(resolve(cwd, configFile)) : cwd, CHECKPOINT_FOLDER);
}

/** A new run's checkpoint file: its problem, seed and start time name it. */
export function newCheckpointFile(
  folder: string,
  problem: string,
  seed: number,
  now = new Date(),
): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return join(folder, `${problem}-seed${seed}-${stamp}.json`);
}

/**
 * The latest unfinished checkpoint in `folder` of a run started from `configFile` (absolute,
 * or undefined for runs without one).
 * @throws CheckpointError when there is none
 */
export async function latestUnfinished(
  folder: string,
  configFile: string | undefined,
): Promise<{ file: string; checkpoint: Checkpoint }> {
  let names: string[] = [];
  try {
    names = (await readdir(folder)).filter((n) => n.endsWith('.json'));
  } catch {
    // No folder: no checkpoint.
  }
  const candidates = await Promise.all(
    names.map(async (name) => {
      const file = join(folder, name);
      return { file, mtime: (await stat(file)).mtimeMs };
    }),
  );
  candidates.sort((a, b) => b.mtime - a.mtime);
  for (const { file } of candidates) {
    let checkpoint: Checkpoint;
    try {
      checkpoint = await readCheckpointFile(file);
    } catch {
      continue;
    }
    if (!checkpoint.finished && checkpoint.config === configFile) return { file, checkpoint };
  }
  throw new CheckpointError(
    true,
    `no unfinished run to resume in ${folder}${configFile ? ` for ${configFile}` : ''} (name a checkpoint file: --resume <file>)`,
  );
}
