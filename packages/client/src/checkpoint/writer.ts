/**
 * Writes a run's checkpoints off its hot path. Each generation hands over its state and the
 * run goes on; the write runs in the background, a slice at a time. A state is written when
 * the work it holds since the last write is at least a second, and fifty times what writing
 * it costs:
 * a run of slow generations (the expensive fitness this is for) has every generation written,
 * a run of millisecond generations over a huge population only now and then, so checkpoints
 * never take more than a fiftieth of a run's time. A state offered while a write runs waits
 * for it, replacing any older one waiting. `flush` writes the newest state now, whatever it
 * costs: when a run ends and when it is interrupted.
 */
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EngineState } from '@galapagos/core';
import { CheckpointError } from '../errors.js';
import { type CheckpointRecord, writeCheckpoint } from './file.js';

/** Share of the run's time that checkpoint writes may take. */
const WRITE_SHARE = 0.02;
/** Run time a write holds at least, ms: at most one checkpoint a second. */
const MIN_WORK_MS = 1000;
/** What writing one individual costs before a write has been measured, ms (~100 MB/s). */
const ESTIMATED_MS_PER_BYTE = 1e-5;

type Meta = Omit<CheckpointRecord, 'digest' | 'written'>;

/** The bytes a state's file will take, roughly: its individuals dominate. */
function estimatedBytes(state: EngineState): number {
  const genes = (state.genome as { length?: number }).length ?? 1;
  const individuals = state.population.length + (state.parents?.length ?? 0);
  return individuals * (genes * 1.2 + 40) + 4096;
}

export class CheckpointWriter {
  /** The state waiting to be written, if any. */
  private waiting: { state: EngineState; meta: Meta } | undefined;
  /** The newest state offered (written or not): what an interrupt saves. */
  private newest: EngineState | undefined;
  private writing: Promise<void> | undefined;
  private failure: unknown;
  /** Run time since the last write began, ms. */
  private workMs = 0;
  private lastOffer = performance.now();
  /** Measured cost of writing, ms per estimated byte. */
  private msPerByte = ESTIMATED_MS_PER_BYTE;
  /** States offered, and of them written. */
  offered = 0;
  written = 0;

  constructor(
    readonly file: string,
    private readonly base: Meta = {},
    private readonly options: {
      /** Create the file's folder (the default `.galapagos/`); a folder given must exist. */
      readonly createFolder?: boolean;
      /**
       * The file was asked for by name (`--checkpoint <file>`): every generation is written
       * (in the background; one offered while a write runs waits, replacing an older one),
       * and the run's end always is.
       */
      readonly named?: boolean;
      /**
       * The file holds an earlier state of this run (a resumed run): its end is always
       * written, so the file never stays behind the run, nor unfinished.
       */
      readonly existing?: boolean;
      /** A write failed: told once, and no more writes are tried (the run goes on). */
      readonly onError?: (error: unknown) => void;
    } = {},
  ) {}

  /**
   * Checks, before the run starts, that the checkpoint can be written where it goes.
   * @throws CheckpointError when its folder cannot be made or written to
   */
  async ready(): Promise<void> {
    const folder = dirname(this.file);
    try {
      if (this.options.createFolder) await mkdir(folder, { recursive: true });
      await access(folder, constants.W_OK);
    } catch (error) {
      throw new CheckpointError(
        false,
        `cannot write checkpoint ${this.file}: ${(error as Error).message} (choose another place with --checkpoint <file>, or none with --no-checkpoint)`,
        { cause: error },
      );
    }
  }

  /** Whether a write has failed (the writer then stopped). */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** The run reached a new state: written in the background when it is worth it. */
  offer(state: EngineState): void {
    const now = performance.now();
    this.workMs += now - this.lastOffer;
    this.lastOffer = now;
    this.offered++;
    this.newest = state;
    if (this.failure) return;
    if (!this.options.named && !this.worth(this.workMs, state)) return;
    this.waiting = { state, meta: this.base };
    if (!this.writing) this.pump();
  }

  /**
   * Writes `state`, or the newest state offered, now (with `meta`: the fitness of an
   * interrupted generation's evaluated genomes, or `finished`), after any write running. A
   * failure goes to `onError`, as in the background.
   */
  async flush(state?: EngineState, meta: Meta = {}): Promise<void> {
    if (this.failure) return;
    const newest = state ?? this.newest;
    if (newest) this.waiting = { state: newest, meta: { ...this.base, ...meta } };
    while (this.writing || this.waiting) {
      if (!this.writing) this.pump();
      await this.writing;
    }
  }

  /**
   * Whether the run's end is written: always to a file asked for by name or holding an earlier
   * state of the run, or once anything was written (it must say the run finished); otherwise
   * when worth it (see {@link offer}), so the end of a quick cheap run leaves no file.
   */
  worthWriting(state: EngineState): boolean {
    if (this.options.named || this.options.existing || this.written > 0) return true;
    return this.worth(this.workMs + (performance.now() - this.lastOffer), state);
  }

  /** Whether `workMs` of run time is worth writing `state` for. */
  private worth(workMs: number, state: EngineState): boolean {
    return workMs >= MIN_WORK_MS && workMs * WRITE_SHARE >= estimatedBytes(state) * this.msPerByte;
  }

  private pump(): void {
    const next = this.waiting!;
    this.waiting = undefined;
    this.workMs = 0;
    const started = performance.now();
    this.writing = writeCheckpoint(this.file, next.state, next.meta)
      .then(
        () => {
          this.written++;
          this.msPerByte = (performance.now() - started) / estimatedBytes(next.state);
        },
        (error: unknown) => {
          if (this.failure) return;
          this.failure = error;
          this.options.onError?.(error);
        },
      )
      .finally(() => {
        this.writing = undefined;
        if (this.waiting && !this.failure) this.pump();
      });
  }
}
