import type { EvaluateRequest, Fitness, Health, ProblemList } from '@galapagos/core';

/** One server's answer to a health check. */
export interface TargetHealth {
  readonly where: string;
  readonly ok: boolean;
  readonly version?: string;
  readonly workers?: number;
  readonly latencyMs?: number;
  readonly error?: string;
  /** The limits the server advertises (`/health`), when it does. */
  readonly limits?: Health['limits'];
}

/** What one server says it serves (`GET /v1/problems`). */
export interface TargetProblems {
  readonly where: string;
  /** Undefined when the server could not be reached (`error` says why). */
  readonly problems: ProblemList['problems'] | undefined;
  readonly error?: string;
}

/** What each evaluate call carries besides the request. */
export interface EvaluateCallOptions {
  readonly signal: AbortSignal;
  /**
   * The run's fingerprint of the problem, for targets that check it per batch (a queue's
   * workers, which may join after the run's first check).
   */
  readonly fingerprint?: string | undefined;
}

/**
 * Where fitness is computed. Failures are `EvaluationError`s, whose `retryable` tells the
 * dispatcher whether to try again. Evaluators do not retry on their own, so retries never
 * multiply.
 */
export interface Evaluator {
  /** Largest request body this evaluator accepts; the dispatcher splits batches to fit. */
  readonly maxBatchBytes: number;
  /**
   * How many evaluations the target runs at once (its worker threads), when known: auto
   * batching sends no more batches at a time than it can work on.
   */
  readonly capacity?: number | undefined;
  /**
   * Whether a duplicate request may land elsewhere (another server, Lambda instance or
   * worker): speculative re-dispatch is on by default only then.
   */
  readonly remote?: boolean;
  /** Independent servers that capacity is spread over (default 1). */
  readonly servers?: number | undefined;
  /** Most genomes one request may carry (the wire's 100,000, or less where a server says). */
  readonly maxBatchGenomes?: number | undefined;
  /** Largest cost.ms × genomes one request may ask for, where the target says. */
  readonly maxCostTotalMs?: number | undefined;
  /** One fitness per genome: a number, or a vector for a multi-objective problem. */
  evaluate(request: EvaluateRequest, options: EvaluateCallOptions): Promise<Fitness[]>;
  health(): Promise<TargetHealth[]>;
  /**
   * The problems each server (replica, function) serves, with their fingerprints: the run
   * checks them against its own before the first batch.
   * @throws EvaluationError when a server cannot be asked.
   */
  problems(signal: AbortSignal): Promise<TargetProblems[]>;
  /**
   * Worker-thread time the target has spent on this evaluator's requests so far, ms (from its
   * replies), where the target reports it: with `capacity`, the run's utilisation.
   */
  busyMs?(): number;
  /** What its evaluations cost so far, measured from what the target reports (see `cost.ts`). */
  usage?(): import('../cost.js').TargetUsage;
  /** A group's members and what each did so far (batches, genomes, failures). */
  members?(): readonly {
    readonly name: string;
    readonly batches: number;
    readonly genomes: number;
    readonly failures: number;
  }[];
  /**
   * Members running other code leave the run on their own: a fleet's workers hand such a
   * run's batches back to the queue for the others. A member with another fingerprint is then
   * excluded with a warning, and the run stops only when no member runs its code.
   */
  readonly handsBackForeign?: boolean;
  /** Sends no more batches to this server (one of several) for the rest of the run. */
  retire?(where: string): void;
  close(): Promise<void>;
}
