/**
 * A chunk's progress, shared between the pool and the thread evaluating it: which thread took
 * it, which genome it is on and since when, and the fitness of the genomes it finished. The
 * pool reads it to keep a deadline per genome, and after it has had to end the thread (a
 * deadline passed, the thread died) to keep the genomes finished before.
 */
import type { Fitness } from '../problems/types.js';
import { monotonicMs } from './cost.js';

/** Header slots (Int32): the thread, the genome being evaluated, when it started, stop. */
const THREAD = 0;
const INDEX = 1;
const STARTED = 2;
const STOP = 3;
const HEADER_BYTES = 16;

export class ChunkProgress {
  private readonly header: Int32Array;
  private readonly values: Float64Array;

  /** A new progress record for `count` genomes of `width` numbers each (objectives, or 1). */
  static create(count: number, width: number): ChunkProgress {
    const progress = new ChunkProgress(
      new SharedArrayBuffer(HEADER_BYTES + count * width * 8),
      width,
    );
    Atomics.store(progress.header, INDEX, -1);
    return progress;
  }

  constructor(
    readonly buffer: SharedArrayBuffer,
    private readonly width = 1,
  ) {
    this.header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.values = new Float64Array(buffer, HEADER_BYTES);
  }

  /** The thread's side: it took the chunk. */
  began(thread: number): void {
    Atomics.store(this.header, THREAD, thread);
  }

  /** The thread's side: genome `index` starts now (`postedAt`: the chunk's clock origin). */
  genome(index: number, postedAt: number): void {
    Atomics.store(this.header, STARTED, Math.round(monotonicMs() - postedAt));
    Atomics.store(this.header, INDEX, index);
  }

  /** The thread's side: genome `index` has this fitness. */
  value(index: number, fitness: Fitness): void {
    if (typeof fitness === 'number') this.values[index] = fitness;
    else this.values.set(fitness, index * fitness.length);
  }

  /** The pool's side: the chunk is to end after the genome in hand. */
  stop(): void {
    Atomics.store(this.header, STOP, 1);
  }

  /** The thread's side: whether to end the chunk before the next genome. */
  get stopped(): boolean {
    return Atomics.load(this.header, STOP) === 1;
  }

  /** The thread that took the chunk (0 before one has). */
  get thread(): number {
    return Atomics.load(this.header, THREAD);
  }

  /**
   * The genome being evaluated and when it started (on the {@link monotonicMs} clock), or
   * undefined before the chunk has started.
   */
  current(postedAt: number): { readonly index: number; readonly startedAt: number } | undefined {
    for (;;) {
      const index = Atomics.load(this.header, INDEX);
      if (index < 0) return undefined;
      const started = Atomics.load(this.header, STARTED);
      // The thread may have moved on between the two reads: read again.
      if (Atomics.load(this.header, INDEX) === index)
        return { index, startedAt: postedAt + started };
    }
  }

  /** The fitness the thread recorded for genome `index` (read once the thread is gone). */
  fitness(index: number): Fitness {
    if (this.width === 1) return this.values[index]!;
    return Array.from(this.values.subarray(index * this.width, (index + 1) * this.width));
  }
}
