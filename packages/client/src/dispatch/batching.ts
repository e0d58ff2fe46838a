/** Batch planning: how many genomes each request carries. */
import { meanGenomeCostMs } from '@galapagos/core/runtime';
import type { DispatchConfig } from '../config/schema.js';
import type { Evaluator } from '../evaluators/types.js';
import type { DispatchProblem } from './types.js';

/** Bytes of an evaluate request besides its genomes. */
const ENVELOPE_BYTES = 1024;
/**
 * Measured work (worker time) each request of an `auto` batch carries at least, ms: a request
 * costs the client and the target a fraction of a millisecond of CPU, so work smaller than
 * this goes out whole (or in as few requests as the target's limits allow).
 */
const REQUEST_WORK_MS = 2;

/**
 * Genomes per request for `pending` genomes of about `genomeBytes` each. `auto` makes one
 * batch per request slot: `concurrency`, or fewer when the target says it runs fewer
 * evaluations at once (more, smaller requests would only queue there and cost overhead).
 * With a simulated cost and a known capacity, each genome holds a thread for a while: then
 * `auto` sends each server one request per wave of its threads, which it spreads over them
 * itself, so that a wave starts at once instead of one request at a time. Once replies
 * have measured the fitness cheap (`genomeMs`), the batch goes in as few requests as carry
 * {@link REQUEST_WORK_MS} of work each (one, for a microsecond fitness): more requests would
 * cost more than the work they spread.
 */
export function batchSize(
  evaluator: Pick<
    Evaluator,
    'capacity' | 'servers' | 'maxBatchBytes' | 'maxBatchGenomes' | 'maxCostTotalMs'
  >,
  config: Pick<DispatchConfig, 'batchSize' | 'concurrency'>,
  problem: DispatchProblem,
  measuredGenomeMs: number | undefined,
  pending: number,
  genomeBytes: number,
): number {
  const { capacity, servers = 1 } = evaluator;
  const costly = (problem.cost?.ms ?? 0) > 0;
  const slots = Math.max(1, Math.min(config.concurrency, capacity ?? Number.POSITIVE_INFINITY));
  const genomeMs = costly ? undefined : (measuredGenomeMs ?? (problem.shipped ? 0 : undefined));
  let wanted: number;
  if (config.batchSize !== 'auto') wanted = config.batchSize;
  else if (costly && capacity !== undefined)
    wanted = Math.ceil(Math.min(pending, capacity) / servers);
  else if (genomeMs !== undefined)
    wanted = Math.ceil(
      pending / Math.max(1, Math.min(slots, Math.floor((pending * genomeMs) / REQUEST_WORK_MS))),
    );
  else wanted = Math.ceil(pending / slots);
  const fits = Math.max(
    1,
    Math.floor((evaluator.maxBatchBytes - ENVELOPE_BYTES) / (genomeBytes + 1)),
  );
  // The target's limits: genomes per request, and cost × genomes per request.
  const costMs = problem.cost ? meanGenomeCostMs(problem.cost) : 0;
  const byCost =
    costMs > 0 && evaluator.maxCostTotalMs !== undefined
      ? Math.floor(evaluator.maxCostTotalMs / costMs)
      : Number.POSITIVE_INFINITY;
  const cap = Math.min(evaluator.maxBatchGenomes ?? Number.POSITIVE_INFINITY, byCost);
  return Math.max(1, Math.min(wanted, fits, cap));
}
