/**
 * Runs one chunk of a batch on the pool's threads and keeps every genome's outcome apart: a
 * genome whose fitness fails ends the chunk there and the rest are sent on; a genome that runs
 * past its deadline, or kills its thread, fails alone, and the genomes the thread finished
 * before it are kept (see {@link ChunkProgress}). No genome is evaluated twice.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import type { Piscina } from 'piscina';
import { type Genome, type GenomeSpec, renderGenome } from '../genome.js';
import type { Fitness } from '../problems/types.js';
import type { Cost, GenomeFailure } from '../wire.js';
import type { ChildWatch } from './children.js';
import { monotonicMs } from './cost.js';
import { packGenomes } from './packing.js';
import { ChunkProgress } from './progress.js';
import type { CloseTask, WorkerResult, WorkerTask } from './worker.js';

/** Each genome's outcome: its fitness (null where it failed) and the failures. */
export interface Outcomes {
  readonly fitness: (Fitness | null)[];
  readonly failures: GenomeFailure[];
}

/** One batch's chunks in flight, and what they share. */
export interface ChunkBatch {
  readonly piscina: Piscina<WorkerTask | CloseTask | null, WorkerResult>;
  readonly children: ChildWatch;
  readonly problem: string;
  readonly params: Record<string, unknown>;
  readonly cost: Cost | undefined;
  readonly calibration: number;
  readonly spec: GenomeSpec;
  /** Numbers per fitness (objectives, or 1). */
  readonly width: number;
  /** The problem evaluates whole chunks at once (`fitnessBatch`). */
  readonly whole: boolean;
  /**
   * Longest one genome may run, ms; undefined: no deadline, and no progress kept (a shipped
   * problem: a failure then fails the batch).
   */
  readonly deadlineMs: number | undefined;
  readonly out: Outcomes;
  /** Chunks running now, so that a cancelled batch can end them. */
  readonly running: Set<RunningChunk>;
  /** Cancelled or failed: what is left unevaluated is not sent on. */
  stopped: boolean;
  /** Thread time the chunks took, ms (summed as they end). */
  busyMs: number;
  /** Fitness time of the chunks that ran whole, and their genomes (for chunk sizing). */
  fitnessMs: number;
  measuredGenomes: number;
}

export interface RunningChunk {
  readonly controller: AbortController;
  readonly progress: ChunkProgress | undefined;
  /** Resolves when the chunk has ended, however. */
  readonly done: Promise<void>;
  ended: boolean;
}

/** How long an ended chunk's programs may take to die and be reaped by their thread. */
const REAP_WAIT_MS = 1000;
/** How long a thread with no program left is given to notice it should stop. */
const SETTLE_MS = 100;

/**
 * Ends a running chunk. Its thread is asked to stop after the genome in hand and its programs
 * are killed, so that the thread itself reaps them (a program whose thread is gone stays a
 * `<defunct>` process) and the thread lives on; only a thread that does not stop (a fitness
 * stuck in a loop) is terminated, and piscina starts a replacement.
 */
export async function endChunk(
  batch: ChunkBatch,
  chunk: RunningChunk,
  reason: unknown,
): Promise<void> {
  chunk.progress?.stop();
  const until = performance.now() + REAP_WAIT_MS;
  let quietSince = performance.now();
  while (!chunk.ended && performance.now() < until) {
    const thread = chunk.progress?.thread ?? 0;
    if (thread !== 0 && batch.children.killChildrenNow(thread) > 0) quietSince = performance.now();
    else if (performance.now() - quietSince >= SETTLE_MS) break;
    await Promise.race([chunk.done, sleep(10)]);
  }
  if (!chunk.ended) chunk.controller.abort(reason);
}

/** Why a thread ended mid-genome (not a deadline): it died, or ran out of memory. */
function deathReason(error: unknown): string {
  const code = (error as { code?: string }).code;
  return code === 'ERR_WORKER_OUT_OF_MEMORY'
    ? "the fitness exhausted its worker thread's memory"
    : `its worker thread died (${error instanceof Error ? error.message : String(error)})`;
}

const named = (batch: ChunkBatch, genomes: readonly Genome[], first: number, i: number) =>
  `problem "${batch.problem}", genome ${first + i} (${renderGenome(genomes[i]!)})`;

function timeoutFailure(
  batch: ChunkBatch,
  genomes: readonly Genome[],
  first: number,
  i: number,
  limit: number,
): GenomeFailure {
  return {
    index: first + i,
    code: 'GALAPAGOS_ERR_EVALUATION_TIMEOUT',
    message: `${named(batch, genomes, first, i)}: ran past its ${limit} ms deadline (timeoutMs); the thread and any program it started were ended`,
  };
}

const TIMED_OUT = new Error('the genome ran past its deadline');

/**
 * Evaluates `genomes` (the batch's genomes from index `first`) on a thread, recording each
 * outcome in `batch.out`; sends what a failure or a lost thread left unevaluated again.
 * @throws what piscina threw when the chunk could not be run at all (a full queue, the batch
 *   cancelled), or a shipped problem's failure (no progress is kept for those)
 */
export async function runChunk(
  batch: ChunkBatch,
  genomes: readonly Genome[],
  first: number,
  postedAt = monotonicMs(),
): Promise<void> {
  const { deadlineMs, out } = batch;
  const progress =
    deadlineMs === undefined ? undefined : ChunkProgress.create(genomes.length, batch.width);
  let finish = () => {};
  const chunk: RunningChunk = {
    controller: new AbortController(),
    progress,
    done: new Promise<void>((resolve) => {
      finish = resolve;
    }),
    ended: false,
  };
  const packed = packGenomes(batch.spec, genomes);
  let timedOut: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A whole-chunk fitness gets the deadline of all its genomes.
  const limit = (deadlineMs ?? 0) * (batch.whole ? genomes.length : 1);
  const watch = () => {
    const now = progress?.current(postedAt);
    const elapsed = now === undefined ? 0 : monotonicMs() - now.startedAt;
    if (now !== undefined && elapsed >= limit) {
      timedOut = now.index;
      void endChunk(batch, chunk, TIMED_OUT);
      return;
    }
    timer = setTimeout(watch, Math.max(1, limit - elapsed));
    timer.unref?.();
  };
  if (progress) watch();
  batch.running.add(chunk);
  let rest: number | undefined;
  try {
    const task: WorkerTask = {
      problem: batch.problem,
      params: batch.params,
      cost: batch.cost,
      genomes: packed,
      offset: first,
      calibration: batch.calibration,
      postedAt,
      ...(progress ? { progress: progress.buffer } : {}),
    };
    const result = await batch.piscina.run(task, {
      signal: chunk.controller.signal,
      ...(packed.kind === 'numbers' ? { transferList: [packed.data.buffer as ArrayBuffer] } : {}),
    });
    batch.busyMs += result.busyMs;
    const failed = new Set(result.failures.map((f) => f.index));
    for (let i = 0; i < result.fitness.length; i++)
      if (!failed.has(i)) out.fitness[first + i] = result.fitness[i]!;
    for (const f of result.failures)
      out.failures.push(
        // Its program was ended for the deadline, and the thread answered before it was.
        f.index === timedOut || (batch.whole && timedOut !== undefined)
          ? timeoutFailure(batch, genomes, first, f.index, limit)
          : { index: first + f.index, code: 'GALAPAGOS_ERR_EVALUATION_FAILED', message: f.message },
      );
    if (result.fitness.length < genomes.length) rest = result.fitness.length;
    else if (result.failures.length === 0) {
      batch.fitnessMs += result.fitnessMs;
      batch.measuredGenomes += genomes.length;
    }
    if (progress === undefined && result.failures.length > 0)
      throw new Error(result.failures[0]!.message);
  } catch (error) {
    // Not a genome's doing: the chunk was cancelled or could not be queued.
    if (progress === undefined || (timedOut === undefined && isAbort(error))) throw error;
    batch.busyMs += monotonicMs() - postedAt;
    // The thread ended mid-chunk: keep what it finished, fail the genome it was on.
    const at = batch.whole ? 0 : (timedOut ?? progress.current(postedAt)?.index ?? 0);
    for (let i = 0; i < at; i++) out.fitness[first + i] = progress.fitness(i);
    const lost = batch.whole ? genomes.length : 1;
    for (let i = at; i < at + lost; i++) {
      out.failures.push(
        timedOut === undefined
          ? {
              index: first + i,
              code: 'GALAPAGOS_ERR_EVALUATION_FAILED',
              message: `${named(batch, genomes, first, i)}: ${deathReason(error)}; the thread was replaced`,
            }
          : timeoutFailure(batch, genomes, first, i, limit),
      );
    }
    if (at + lost < genomes.length) rest = at + lost;
  } finally {
    clearTimeout(timer);
    batch.running.delete(chunk);
    chunk.ended = true;
    finish();
  }
  if (rest !== undefined && !batch.stopped)
    await runChunk(batch, genomes.slice(rest), first + rest);
}

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';
