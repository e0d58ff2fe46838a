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
  readonly perGenerationEvaluations: number;
  readonly wallMs: number;
  readonly evalsPerSecond: number;
  /** Lambda environments busy at once (elastic targets), else undefined. */
  readonly lambdaConcurrency?: number;
  readonly usd: number;
  readonly probe: ProbeFigures;
  readonly assumptions: readonly string[];
}

/**
 * Evaluations per generation after the first: the offspring that crossover or mutation changes
 * (the others keep their fitness), as the algorithm breeds them.
 */
export function changedPerGeneration(config: EngineConfig): number {
  const algorithm = (config.algorithm ?? { name: 'simple' }) as { name: string; lambda?: number };
  const { population, cxpb, mutpb } = config;
  if (algorithm.name === 'mu-plus-lambda' || algorithm.name === 'mu-comma-lambda')
    return (algorithm.lambda ?? population) * Math.min(1, cxpb + mutpb);
  if (algorithm.name === 'nsga2') return population * (1 - (1 - cxpb) * (1 - mutpb));
  return population * (1 - (1 - cxpb) * (1 - mutpb));
}

export function predict(
  config: EngineConfig,
  probe: ProbeFigures,
  options: { readonly concurrency: number; readonly evaluations?: number },
): Plan {
  const perGeneration = changedPerGeneration(config);
  const generations =
    options.evaluations === undefined
      ? config.generations
      : Math.max(0, Math.ceil((options.evaluations - config.population) / perGeneration));
  const evaluations =
    options.evaluations ?? Math.round(config.population + generations * perGeneration);
  const elastic = probe.slots === undefined;
  // A round's time scales with its genomes past what the probe sent.
  const scaled = (ms: number, probed: number, n: number) => (n <= probed ? ms : (ms * n) / probed);
  const firstRound = scaled(probe.firstRoundMs, probe.firstRoundGenomes, config.population);
  const laterRound = scaled(probe.laterRoundMs, probe.laterRoundGenomes, perGeneration);
  let wallMs = firstRound + generations * laterRound;
  const parallel = Math.min(options.concurrency, LAMBDA_ASSUMPTIONS.accountConcurrency);
  const lambdaConcurrency = elastic
    ? Math.min(parallel, Math.max(config.population, Math.ceil(perGeneration)))
    : undefined;
  const assumptions = [
    'every generation runs (stop rules other than generations and evaluations are not foreseen)',
    `after the first, a generation evaluates the offspring crossover or mutation changed: ${perGeneration.toFixed(1)} of ${config.population} (the cache may spare some)`,
    `rounds take what the probe's took through this run's dispatcher: ${probe.firstRoundMs.toFixed(0)} ms for ${probe.firstRoundGenomes} genomes, ${probe.laterRoundMs.toFixed(0)} ms for ${probe.laterRoundGenomes}${config.population > probe.firstRoundGenomes ? ' (larger rounds in proportion)' : ''}`,
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
    `cost: ${probe.usdPerGenome === 0 ? 'the target reports no price (your own machines)' : `$${probe.usdPerGenome.toPrecision(3)} per evaluation, as the probe was billed`}`,
  );
  return {
    evaluations,
    generations,
    perGenerationEvaluations: perGeneration,
    wallMs,
    evalsPerSecond: evaluations / (wallMs / 1000),
    ...(lambdaConcurrency === undefined ? {} : { lambdaConcurrency }),
    usd: evaluations * probe.usdPerGenome,
    probe,
    assumptions,
  };
}
