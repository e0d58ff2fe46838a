/**
 * How the pool cuts a batch into chunks and when it evaluates one on the calling thread:
 * from measured fitness time per genome, kept per problem and genome length.
 */

/**
 * Genes below which a cost-free batch of a shipped problem never measured yet is evaluated on
 * the calling thread (once measured, its measured time decides: see {@link CHUNK_MS}).
 */
const INLINE_GENES = 2048;
/** Genes per chunk below which a cost-free batch is not worth splitting across threads. */
const GENES_PER_CHUNK = 50_000;
/** Genes a chunk carries at most, whatever the threads: a thread's memory for one chunk. */
const MAX_GENES_PER_CHUNK = 5_000_000;
/** Measured fitness time per chunk below which splitting further costs more than it saves. */
const CHUNK_MS = 2;
/** Weight of the newest measurement in a problem's running mean of fitness time per genome. */
const MEASURE_WEIGHT = 0.3;
/** Genomes in a batch whose measurement replaces the running mean outright. */
const MEASURE_GENOMES = 256;

/** Splits `items` into `parts` contiguous chunks of near-equal size. */
export function split<T>(items: readonly T[], parts: number): T[][] {
  const chunks: T[][] = [];
  const base = Math.floor(items.length / parts);
  const extra = items.length % parts;
  let at = 0;
  for (let i = 0; i < parts; i++) {
    const size = base + (i < extra ? 1 : 0);
    chunks.push(items.slice(at, at + size));
    at += size;
  }
  return chunks;
}

/** Measured fitness times and the chunking decisions they drive. */
export class ChunkPlanner {
  /**
   * Measured fitness time per genome, ms, by problem and genome length (`onemax/100`):
   * cost-free batches are chunked by it.
   */
  private readonly perGenomeMs = new Map<string, number>();
  /** The same, for the wall time of a cost-free batch sent to the threads (the hop counted). */
  private readonly threadedGenomeMs = new Map<string, number>();

  constructor(
    private readonly threads: number,
    /** Longest a cost-free batch of a shipped problem may measure to run in place, ms. */
    private readonly inlineMaxMs: number,
  ) {}

  private static measure(into: Map<string, number>, key: string, genomes: number, ms: number) {
    if (genomes === 0) return;
    const sample = ms / genomes;
    const before = into.get(key);
    // A big batch is a better measure than a genome or two timed on cold code.
    const weight = Math.min(1, Math.max(MEASURE_WEIGHT, genomes / MEASURE_GENOMES));
    into.set(key, before === undefined ? sample : before + weight * (sample - before));
  }

  /** Fitness time measured for `genomes` genomes of `key`. */
  measured(key: string, genomes: number, ms: number): void {
    ChunkPlanner.measure(this.perGenomeMs, key, genomes, ms);
  }

  /** Wall time measured for a batch of a shipped problem sent to the threads. */
  measuredThreaded(key: string, genomes: number, ms: number): void {
    ChunkPlanner.measure(this.threadedGenomeMs, key, genomes, ms);
  }

  /**
   * Whether a cost-free batch of a shipped problem runs on the calling thread: before it is
   * measured, when it has few genes; then when its fitness measures under one chunk's worth
   * of time (a single chunk on a thread is the same work plus the hop), or under
   * `inlineMaxMs` and no slower than the threads measured it, hop included.
   */
  inPlace(key: string, count: number, genes: number): boolean {
    const perGenome = this.perGenomeMs.get(key);
    if (perGenome === undefined) return count * genes <= INLINE_GENES;
    const work = count * perGenome;
    if (work <= CHUNK_MS) return true;
    const threaded = this.threadedGenomeMs.get(key);
    return work <= this.inlineMaxMs && threaded !== undefined && perGenome <= threaded;
  }

  /**
   * Chunks for a batch. With a cost or a costly fitness, every thread gets a share; a cheap
   * fitness goes in few chunks (a thread hop costs more than the work). A problem never
   * measured yet is assumed costly unless it is a shipped one.
   */
  chunks(key: string, count: number, genes: number, cost: boolean, shipped: boolean): number {
    if (cost) return Math.min(count, this.threads);
    const perGenome = this.perGenomeMs.get(key) ?? (shipped ? 0 : Number.POSITIVE_INFINITY);
    const byGenes = Math.ceil((count * genes) / GENES_PER_CHUNK);
    const byTime = Math.ceil((count * perGenome) / CHUNK_MS);
    // Past a few million genes, more chunks than threads (they queue): a thread then holds
    // one chunk's genomes at a time, not a whole huge batch's.
    const bySize = Math.ceil((count * genes) / MAX_GENES_PER_CHUNK);
    return Math.max(
      1,
      Math.min(count, Math.max(Math.min(this.threads, Math.max(byGenes, byTime)), bySize)),
    );
  }
}
