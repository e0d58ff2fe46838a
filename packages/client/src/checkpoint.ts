import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { assertState, type EngineState } from '@galapagos/core';
import { CheckpointError } from './errors.js';

/** Writes the state atomically: a temporary file beside the target, then a rename. */
export async function writeCheckpoint(file: string, state: EngineState): Promise<void> {
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, JSON.stringify(state));
    await rename(temp, file);
  } catch (error) {
    throw new CheckpointError(
      false,
      `cannot write checkpoint ${file}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** Reads a checkpoint written by {@link writeCheckpoint}. */
export async function readCheckpoint(file: string): Promise<EngineState> {
  try {
    const state: unknown = JSON.parse(await readFile(file, 'utf8'));
    assertState(state);
    return state;
  } catch (error) {
    throw new CheckpointError(true, `cannot resume from ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
