/**
 * `galapagos plan`'s prediction, pure: from what a short probe measured on the target and the
 * run's config, the run's wall time, evaluations per second, the Lambda concurrency it needs and
 * its cost, with every assumption said.
 */
import type { EngineConfig } from '@galapagos/core';

/** What the probe measured. */
export interface ProbeFigures {
  /** A round the size of the first generation (up to the probe's cap), ms. */
  readonly firstRoundMs: number;
  readonly firstRoundGenomes: number;
  /** A round the size of a later generation, ms. */
  readonly laterRoundMs: number;
  readonly laterRoundGenomes: number;
  /** Evaluations the target runs at once; undefined: elastic (Lambda). */
  readonly slots: number | undefined;
  /** What one evaluation costs, USD (from the target's reported usage). */
  readonly usdPerGenome: number;
  /** The probe's warm-up round (a genome per connection: cold starts show here), ms. */
  readonly firstMs: number;
}

/** The platform figures a plan assumes, stated in its output. */
export const LAMBDA_ASSUMPTIONS = {
  accountConcurrency: 1000,
  scaleUpPer10s: 1000,
  coldStartMs: 250,
  payloadLimitBytes: 6 * 1024 * 1024,
} as const;

export interface Plan {
  readonly evaluations: number;
  readonly generations: number;
  /** Genomes the run sends (after its cache), all generations. */
  readonly sent: number;
  readonly wallMs: number;
  readonly evalsPerSecond: number;
  /** Lambda environments busy at once (elastic targets), else undefined. */
  readonly lambdaConcurrency?: number;
  readonly usd: number;
  readonly probe: ProbeFigures;
  /** Genomes sent and evaluations asked per generation, as the prediction assumed them. */
  readonly shape: RunShape;
  /** Evaluations in flight at once: the sub-round width the prediction divides rounds by. */
  readonly parallel: number;
  readonly assumptions: readonly string[];
}

/** The run's shape: genomes sent and evaluations asked per generation (see `simulate.ts`). */
export interface RunShape {
  readonly sent: readonly number[];
  readonly asked: readonly number[];
}

/**
 * The prediction. A round of `n` genomes takes `ceil(n / parallel)` sub-rounds, where
 * `parallel` is the target's slots (or, elastic, the invokes in flight); a sub-round takes what
 * the probe's later round took per sub-round, and the first generation what the probe's first
 * round took (both scaled when larger than probed).
 */
export function predict(
  config: EngineConfig,
  probe: ProbeFigures,
  shape: RunShape,
  options: { readonly concurrency: number; readonly cache: boolean },
): Plan {
  const elastic = probe.slots === undefined;
  const parallel = Math.max(
    1,
    elastic
      ? Math.min(options.concurrency, LAMBDA_ASSUMPTIONS.accountConcurrency)
      : Math.min(probe.slots!, options.concurrency),
  );
  const subRounds = (n: number) => Math.ceil(n / parallel);
  const perSubRound = probe.laterRoundMs / subRounds(probe.laterRoundGenomes);
  const [first = 0, ...later] = shape.sent;
  const firstRound =
    (probe.firstRoundMs * subRounds(first)) / subRounds(Math.max(1, probe.firstRoundGenomes));
  let wallMs =
    (first > 0 ? firstRound : 0) +
    later.reduce((sum, n) => sum + (n > 0 ? subRounds(n) * perSubRound : 0), 0);
  const evaluations = shape.asked.reduce((a, b) => a + b, 0);
  const sent = shape.sent.reduce((a, b) => a + b, 0);
  const generations = Math.max(0, shape.asked.length - 1);
  const widest = Math.max(0, ...shape.sent);
  const lambdaConcurrency = elastic ? Math.min(parallel, widest) : undefined;
  const assumptions = [
    `every generation runs (stop rules other than generations and evaluations are not foreseen); the genomes each sends come from the engine itself run with a stand-in fitness${options.cache ? ', less those the cache holds' : ''}: ${sent} of ${evaluations} evaluations`,
    `rounds take what the probe's took through this run's dispatcher: ${probe.firstRoundMs.toFixed(0)} ms for ${probe.firstRoundGenomes} genomes, ${probe.laterRoundMs.toFixed(0)} ms for ${probe.laterRoundGenomes}, ${perSubRound.toFixed(0)} ms per ${parallel} at once`,
  ];
  if (elastic) {
    // Each 10 s adds 1000 environments beyond the first burst.
    const ramp =
      Math.floor(Math.max(0, lambdaConcurrency! - 1) / LAMBDA_ASSUMPTIONS.scaleUpPer10s) * 10_000;
    wallMs += LAMBDA_ASSUMPTIONS.coldStartMs + ramp;
    assumptions.push(
      `Lambda: one cold start of ${LAMBDA_ASSUMPTIONS.coldStartMs} ms as the environments start (the probe's warm-up round took ${probe.firstMs.toFixed(0)} ms)`,
      `Lambda: an account concurrency of ${LAMBDA_ASSUMPTIONS.accountConcurrency}, scaling by ${LAMBDA_ASSUMPTIONS.scaleUpPer10s} environments per 10 s; dispatch.concurrency ${options.concurrency} caps the invokes in flight`,
      `Lambda: payloads under the synchronous limit of ${LAMBDA_ASSUMPTIONS.payloadLimitBytes / 1024 / 1024} MB (batches are split to fit)`,
    );
  } else
    assumptions.push(
      `the target evaluates ${probe.slots} genomes at once (its threads or workers)`,
    );
  assumptions.push(
    `cost: ${probe.usdPerGenome === 0 ? 'the target reports no price (your own machines)' : `$${probe.usdPerGenome.toPrecision(3)} per genome sent, as the probe was billed`}`,
  );
  return {
    evaluations,
    generations,
    sent,
    wallMs,
    evalsPerSecond: evaluations / (wallMs / 1000),
    ...(lambdaConcurrency === undefined ? {} : { lambdaConcurrency }),
    usd: sent * probe.usdPerGenome,
    probe,
    shape: { sent: [...shape.sent], asked: [...shape.asked] },
    parallel,
    assumptions,
  };
}
