/**
 * Speculative re-dispatch: a batch that has run `factor ×` longer than the median batch of its
 * generation so far, while a request slot and idle threads are free, is sent once more; the
 * first reply wins and the other request is cancelled (the target ends its evaluation and any
 * program it started). Fitness is pure, so which copy answers never changes a
 * result; a stalled replica, a cold Lambda instance or an unlucky genome then costs a little
 * duplicated work instead of a timeout.
 */
import { median } from '../median.js';

/** When a batch counts as a straggler. */
export interface SpeculationSettings {
  /** Multiple of the generation's median batch time. */
  readonly factor: number;
  /** Never before this many ms (tiny batches are not worth a duplicate). */
  readonly minMs: number;
}

export const DEFAULT_SPECULATION: SpeculationSettings = { factor: 2, minMs: 100 };

/** How often running batches are looked at. */
const CHECK_EVERY_MS = 20;

/**
 * Why a race's other attempt is cancelled. One object for all: an abort without a reason
 * builds a DOMException, stack and all, which with thousands of one-genome requests cost more
 * than the requests' own bookkeeping.
 */
const ANSWERED_ELSEWHERE = new Error('cancelled: the other attempt of this batch answered first');

interface Race {
  readonly started: number;
  /** Genomes the batch carries: a duplicate needs as many idle threads. */
  readonly genomes: number;
  duplicated: boolean;
  duplicate(): void;
}

/** One generation's batches: their times so far, and the ones still running. */
export class StragglerWatch {
  private readonly durations: number[] = [];
  private readonly running = new Set<Race>();
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Duplicates in flight now (they hold request slots). */
  inFlight = 0;

  constructor(
    private readonly settings: SpeculationSettings,
    /** Whether a duplicate of `genomes` genomes would find idle capacity (a request slot, threads). */
    private readonly freeSlot: (genomes: number) => boolean,
    private readonly events: { onDuplicate(genomes: number): void; onDuplicateWon(): void },
  ) {}

  /** The running time past which a batch is a straggler; none until a batch has finished. */
  threshold(): number | undefined {
    if (this.durations.length === 0) return undefined;
    return Math.max(this.settings.minMs, this.settings.factor * median(this.durations)!);
  }

  /**
   * Runs one batch: `attempt` once, and once more should it straggle. Resolves with the first
   * success (the other attempt is aborted); rejects when every attempt made has failed.
   */
  run<T>(
    attempt: (signal: AbortSignal) => Promise<T>,
    signal: AbortSignal,
    genomes = 1,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // One controller for the race, following `signal`; aborted when the race ends only if a
      // duplicate was sent (then one attempt may still be running). Most races have none.
      const controller = new AbortController();
      const follow = () => controller.abort(signal.reason);
      if (signal.aborted) follow();
      else signal.addEventListener('abort', follow, { once: true });
      let pending = 0;
      let settled = false;
      const race: Race = {
        started: performance.now(),
        genomes,
        duplicated: false,
        duplicate: () => {
          race.duplicated = true;
          this.inFlight++;
          this.events.onDuplicate(race.genomes);
          launch(true);
        },
      };
      const finish = () => {
        settled = true;
        this.running.delete(race);
        if (this.running.size === 0) this.stop();
        signal.removeEventListener('abort', follow);
        if (race.duplicated) controller.abort(ANSWERED_ELSEWHERE);
      };
      const launch = (duplicate: boolean) => {
        pending++;
        attempt(controller.signal).then(
          (value) => {
            if (duplicate) this.inFlight--;
            if (settled) return;
            this.durations.push(performance.now() - race.started);
            if (duplicate) this.events.onDuplicateWon();
            finish();
            resolve(value);
          },
          (error: unknown) => {
            if (duplicate) this.inFlight--;
            pending--;
            if (settled || pending > 0) return;
            finish();
            reject(error);
          },
        );
      };
      this.running.add(race);
      this.start();
      launch(false);
    });
  }

  private start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.check(), CHECK_EVERY_MS);
    this.timer.unref?.();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Sends a duplicate of each straggler, oldest first, while slots are free. */
  private check(): void {
    const threshold = this.threshold();
    if (threshold === undefined) return;
    const now = performance.now();
    for (const race of this.running) {
      if (race.duplicated || now - race.started < threshold) continue;
      if (!this.freeSlot(race.genomes)) return;
      race.duplicate();
    }
  }
}
