/**
 * Which checkpoint a `galapagos run` resumes and where it saves its own: by default a new file
 * in `.galapagos/` beside the config file (the working folder without one), the same file
 * again for a resumed run, `--checkpoint <file>` to choose, `--no-checkpoint` for none.
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import {
  type Checkpoint,
  CheckpointWriter,
  checkpointFolder,
  latestUnfinished,
  newCheckpointFile,
  readCheckpointFile,
} from '@galapagos/client';
import { DEFAULT_CONFIG, type RunFlags } from './flags.js';

/** The config file a run comes from (absolute), if there is one. */
export function configFileOf(flags: Pick<RunFlags, 'config'>): string | undefined {
  const file = resolve(flags.config ?? DEFAULT_CONFIG);
  return flags.config !== undefined || existsSync(file) ? file : undefined;
}

/** The checkpoint `--resume` names, or the config's latest unfinished one for a bare `--resume`. */
export async function resumeOf(
  flags: Pick<RunFlags, 'resume' | 'config'>,
): Promise<{ file: string; checkpoint: Checkpoint } | undefined> {
  if (flags.resume === undefined || flags.resume === false) return undefined;
  if (typeof flags.resume === 'string')
    return { file: flags.resume, checkpoint: await readCheckpointFile(flags.resume) };
  const config = configFileOf(flags);
  return latestUnfinished(checkpointFolder(config), config);
}

/** The writer of this run's checkpoints, or undefined with `--no-checkpoint`. */
export function checkpointWriter(
  flags: Pick<RunFlags, 'checkpoint' | 'config'>,
  resumed: string | undefined,
  problem: string,
  seed: number,
): CheckpointWriter | undefined {
  if (flags.checkpoint === false) return undefined;
  const config = configFileOf(flags);
  const file =
    typeof flags.checkpoint === 'string'
      ? flags.checkpoint
      : (resumed ?? newCheckpointFile(checkpointFolder(config), problem, seed));
  return new CheckpointWriter(file, config === undefined ? {} : { config }, {
    // The default folder is made as needed; a file given goes where it says.
    createFolder: typeof flags.checkpoint !== 'string' && resumed === undefined,
    named: typeof flags.checkpoint === 'string',
    existing: resumed !== undefined && typeof flags.checkpoint !== 'string',
    onError: (error) =>
      process.stderr.write(
        `galapagos: warning: ${(error as Error).message}; the run goes on without checkpoints\n`,
      ),
  });
}

/** The command that resumes a saved run, for the message an interrupt ends with. */
export function resumeCommand(
  flags: Pick<RunFlags, 'config' | 'target' | 'checkpoint'>,
  file: string,
): string {
  // A bare --resume finds a run saved in the default place; one saved elsewhere is named.
  const parts = [
    'galapagos run',
    typeof flags.checkpoint === 'string' ? `--resume ${flags.checkpoint}` : '--resume',
  ];
  if (flags.config !== undefined) parts.push(`--config ${flags.config}`);
  if (flags.target !== undefined) parts.push(`--target ${flags.target}`);
  return `${parts.join(' ')}   (checkpoint: ${relative(process.cwd(), file) || file})`;
}
