/**
 * The checkpoint file: the engine's state as JSON, with a `checkpoint` record beside it that
 * carries a digest of everything else (so a file edited after it was written is refused: its
 * seed or any setting would otherwise be reported for a logbook it did not produce), the
 * fitness of the genomes evaluated in a generation that was interrupted (so they are not paid
 * for again), whether the run finished, and the config it belongs to. Written atomically.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { assertState, type EngineState, type Fitness, type Genome } from '@galapagos/core';
import { CheckpointError } from '../errors.js';

/** What a checkpoint records besides the state. */
export interface CheckpointRecord {
  /** `sha256:` of the state's JSON and `pending`: any edit shows. */
  readonly digest: string;
  /** Fitness of genomes of the next generation already evaluated when the run stopped. */
  readonly pending?: readonly (readonly [Genome, Fitness])[];
  /** The run reached its end: nothing to resume. */
  readonly finished?: boolean;
  /** The config file (absolute) the run was started from, when there was one. */
  readonly config?: string;
  /** When it was written (ISO), for people and for picking the latest. */
  readonly written: string;
}

/** A checkpoint as read: the state, and what was recorded with it. */
export interface Checkpoint {
  readonly state: EngineState;
  readonly pending: readonly (readonly [Genome, Fitness])[];
  readonly finished: boolean;
  readonly config: string | undefined;
  /** False for a file written before checkpoints carried a digest (accepted as it is). */
  readonly digested: boolean;
}

const digestOf = (json: string, pending: string) =>
  `sha256:${createHash('sha256').update(json).update('\n').update(pending).digest('hex')}`;

/** Array fields of the state written a slice at a time (a population may hold millions). */
const LONG_FIELDS = new Set(['population', 'parents', 'offspring']);
/** Items serialised per slice of a long field. */
const SLICE = 4096;

/**
 * The state's JSON (exactly `JSON.stringify(state)`), a slice at a time: a population of a
 * million individuals is never one string in memory.
 */
function* stateJson(state: EngineState): Generator<string> {
  let first = true;
  for (const [key, value] of Object.entries(state)) {
    if (value === undefined || typeof value === 'function') continue;
    const head = `${first ? '{' : ','}${JSON.stringify(key)}:`;
    first = false;
    if (!LONG_FIELDS.has(key) || !Array.isArray(value)) {
      yield head + JSON.stringify(value);
      continue;
    }
    yield `${head}[`;
    for (let from = 0; from < value.length; from += SLICE) {
      const items = value.slice(from, from + SLICE).map((v) => JSON.stringify(v) ?? 'null');
      yield (from > 0 ? ',' : '') + items.join(',');
    }
    yield ']';
  }
  yield first ? '{}' : '}';
}

/**
 * The file's content for a state, in slices: the state's JSON with its record (and the
 * digest of everything else) in place of the closing brace.
 */
export function* checkpointChunks(
  state: EngineState,
  meta: Omit<CheckpointRecord, 'digest' | 'written'> = {},
): Generator<string> {
  const hash = createHash('sha256');
  let held: string | undefined;
  for (const chunk of stateJson(state)) {
    hash.update(chunk);
    if (held !== undefined) yield held;
    held = chunk;
  }
  const pending = JSON.stringify(meta.pending ?? []);
  hash.update('\n').update(pending);
  const record: CheckpointRecord = {
    digest: `sha256:${hash.digest('hex')}`,
    ...meta,
    written: new Date().toISOString(),
  };
  // The last slice ends the state's object: the record goes in before its brace.
  yield `${held!.slice(0, -1)}${held === '{}' ? '' : ','}"checkpoint":${JSON.stringify(record)}}`;
}

/** The whole file as one string (small states, tests). */
export const checkpointText = (
  state: EngineState,
  meta: Omit<CheckpointRecord, 'digest' | 'written'> = {},
): string => [...checkpointChunks(state, meta)].join('');

/**
 * Writes a checkpoint atomically (a temporary file beside the target, then a rename), a slice
 * at a time, letting the event loop run between slices.
 */
export async function writeCheckpoint(
  file: string,
  state: EngineState,
  meta: Omit<CheckpointRecord, 'digest' | 'written'> = {},
): Promise<void> {
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'w');
    try {
      let buffered = '';
      for (const chunk of checkpointChunks(state, meta)) {
        buffered += chunk;
        if (buffered.length >= 1 << 20) {
          await handle.write(buffered);
          buffered = '';
        }
      }
      await handle.write(buffered);
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw new CheckpointError(
      false,
      `cannot write checkpoint ${file}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** Reads a checkpoint, refusing one whose content does not match its digest. */
export async function readCheckpointFile(file: string): Promise<Checkpoint> {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CheckpointError(true, `cannot resume from ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const { checkpoint: record, ...state } = (parsed ?? {}) as {
    checkpoint?: CheckpointRecord;
  } & Record<string, unknown>;
  if (record !== undefined) {
    const pending = JSON.stringify(record.pending ?? []);
    if (digestOf(JSON.stringify(state), pending) !== record.digest)
      throw new CheckpointError(
        true,
        `cannot resume from ${file}: it was changed after it was written (its content does not match its digest); a checkpoint is resumed as recorded, so that the result never reports settings that did not produce its logbook`,
      );
  }
  try {
    assertState(state);
  } catch (error) {
    throw new CheckpointError(true, `cannot resume from ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return {
    state,
    pending: record?.pending ?? [],
    finished: record?.finished === true,
    config: record?.config,
    digested: record !== undefined,
  };
}

/** Reads a checkpoint's state (see {@link readCheckpointFile}). */
export async function readCheckpoint(file: string): Promise<EngineState> {
  return (await readCheckpointFile(file)).state;
}
