/**
 * The run's fitness cache: fitness by genome, so that a genome seen before (or twice in one
 * call) is not sent again, kept only while it pays for itself (see {@link FitnessCache.pays}).
 * Fitness is pure, so whether it answers never changes a result.
 */
import { type Fitness, type Genome, genomeKey } from '@galapagos/core';

/** The least share of genomes the cache is taken to answer (see {@link FitnessCache.pays}). */
const ASSUMED_REPEATS = 0.1;

/** One call's genomes, sorted by the cache. */
export interface Lookup {
  /** The distinct genomes to send, in order (without the cache: all of them, as given). */
  readonly unique: readonly Genome[];
  /** Where each of `unique` stands among the call's genomes; undefined: the same index. */
  readonly at: readonly number[] | undefined;
  /** The cache key of each of `unique`, to store its fitness under; undefined: no cache. */
  readonly keys: readonly string[] | undefined;
  /** Later copies of a genome within the call, by its index in `unique`. */
  readonly copies: ReadonlyMap<number, readonly number[]> | undefined;
  /** Genomes answered from the cache (their fitness is filled in already). */
  readonly known: number;
  /** Of the call's genomes, those answered from the cache or as copies. */
  readonly hits: number;
}

export class FitnessCache {
  private readonly entries = new Map<string, Fitness>();
  /** Time spent keying, looking up and storing, ms; genomes looked up; hits; calls. */
  private ms = 0;
  private looked = 0;
  private hits = 0;
  private calls = 0;

  /** Holds fitness a resumed run already paid for: the next lookup uses it whatever it costs. */
  private primed = false;

  constructor(private readonly enabled: boolean) {}

  /**
   * Fitness evaluated before the run was interrupted (a checkpoint's `pending`): the next
   * lookup answers these genomes, even with the cache off (they are this run's own values).
   */
  prime(pairs: readonly (readonly [Genome, Fitness])[]): void {
    for (const [genome, fitness] of pairs) this.entries.set(genomeKey(genome), fitness);
    this.primed = pairs.length > 0;
  }

  /**
   * Whether the cache is worth its cost for the next call: it is while what its hits save
   * (the share of genomes it answers × `sendMsPerGenome`, what a genome's fitness costs to get
   * from the target) is more than what it costs per genome (keying, looking up, storing), all
   * measured. A fitness cheaper than that — OneMax through a local server — skips it, and its
   * memory is let go; an expensive one keeps it. It is on for the first call, and while nothing
   * has been answered; the share is never taken below {@link ASSUMED_REPEATS}, so that early
   * generations with no repeats (the first has no earlier one to repeat) do not turn it off
   * for later, converged ones that have many.
   */
  pays(sendMsPerGenome: number | undefined): boolean {
    if (this.primed) return true;
    if (!this.enabled) return false;
    if (this.calls === 0 || sendMsPerGenome === undefined) return true;
    const hitRate = Math.max(this.hits / this.looked, ASSUMED_REPEATS);
    const pays = hitRate * sendMsPerGenome > this.ms / this.looked;
    if (!pays) this.entries.clear();
    return pays;
  }

  /**
   * Sorts a call's genomes: those known get their fitness in `fitness` (same indices), copies
   * within the call are noted, the rest are to send. With `use` false, all are to send.
   */
  lookup(genomes: readonly Genome[], fitness: Fitness[], use: boolean): Lookup {
    if (!use)
      return {
        unique: genomes,
        at: undefined,
        keys: undefined,
        copies: undefined,
        known: 0,
        hits: 0,
      };
    const started = performance.now();
    const unique: Genome[] = [];
    const at: number[] = [];
    const keys: string[] = [];
    const first = new Map<string, number>();
    let copies: Map<number, number[]> | undefined;
    let known = 0;
    let hits = 0;
    for (let i = 0; i < genomes.length; i++) {
      const genome = genomes[i]!;
      const key = genomeKey(genome);
      const cached = this.entries.get(key);
      if (cached !== undefined) {
        fitness[i] = cached;
        known++;
        hits++;
        continue;
      }
      const k = first.get(key);
      if (k !== undefined) {
        copies ??= new Map();
        const more = copies.get(k);
        if (more) more.push(i);
        else copies.set(k, [i]);
        hits++;
        continue;
      }
      first.set(key, unique.length);
      unique.push(genome);
      at.push(i);
      keys.push(key);
    }
    this.ms += performance.now() - started;
    this.looked += genomes.length;
    this.hits += hits;
    this.calls++;
    if (this.primed) {
      this.primed = false;
      if (!this.enabled) this.entries.clear();
    }
    return {
      unique,
      at,
      keys: this.enabled ? keys : undefined,
      copies,
      known,
      hits,
    };
  }

  /** Keeps the fitness of `unique[from…]` of a lookup, as a reply brings them. */
  store(lookup: Lookup, from: number, values: readonly Fitness[]): void {
    if (!lookup.keys) return;
    const started = performance.now();
    for (let j = 0; j < values.length; j++) this.entries.set(lookup.keys[from + j]!, values[j]!);
    this.ms += performance.now() - started;
  }
}
