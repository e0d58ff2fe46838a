/**
 * How long a request may go unanswered before it counts as lost (a stalled target, a dropped
 * connection). A genome's own deadline is the target's to keep (it fails that genome alone),
 * so a request is never given up on while its genomes may still be within theirs.
 */
import { maxGenomeCostMs } from '@galapagos/core/runtime';
import type { Evaluator } from '../evaluators/types.js';
import type { DispatchProblem } from './types.js';

/** The shortest wait for a reply the policy derives (cold starts, a loaded machine). */
const MIN_TIMEOUT_MS = 10_000;

export class AdaptiveTimeout {
  /** The longest any request has taken to answer so far, ms. */
  private slowestReplyMs = 0;

  constructor(
    private readonly evaluator: Pick<Evaluator, 'capacity' | 'servers'>,
    private readonly problem: DispatchProblem,
    /** `dispatch.timeoutMs`: the most any request is waited for. */
    private readonly maxMs: number,
  ) {}

  /** A request was answered after `ms`. */
  answered(ms: number): void {
    this.slowestReplyMs = Math.max(this.slowestReplyMs, ms);
  }

  /**
   * 4 × a request's expected time (from the simulated cost and the target's threads, or the
   * slowest reply so far), at least 10 s, doubled for each time this batch already timed out
   * once the target has answered anything; never less than the genomes' own deadlines need
   * (each wave of the server's threads may run that long), and never more than
   * `dispatch.timeoutMs` unless those deadlines need more.
   */
  ms(genomes: number, timedOutBefore = 0): number {
    const { capacity, servers = 1 } = this.evaluator;
    // The costliest genome sets the deadline (uneven costs are heavy-tailed).
    const costMs = this.problem.cost ? maxGenomeCostMs(this.problem.cost) : 0;
    const perServer = capacity === undefined ? 1 : Math.max(1, Math.floor(capacity / servers));
    const waves = Math.ceil(genomes / perServer);
    const floor =
      this.problem.genomeTimeoutMs === undefined
        ? 0
        : this.problem.genomeTimeoutMs * waves + MIN_TIMEOUT_MS;
    const expected = Math.max(costMs > 0 ? costMs * waves : 0, this.slowestReplyMs);
    if (expected === 0) return Math.max(this.maxMs, floor);
    // Doubling protects a slow fitness on a target that has answered before; one that never
    // has is probably stalled, and is given up on sooner.
    const growth = this.slowestReplyMs > 0 ? 2 ** timedOutBefore : 1;
    const derived = Math.max(MIN_TIMEOUT_MS, 4 * expected) * growth;
    return Math.max(floor, Math.min(this.maxMs, derived));
  }

  /** Whether `ms` is the configured maximum rather than derived (for messages). */
  isMax(ms: number): boolean {
    return ms >= this.maxMs;
  }
}
