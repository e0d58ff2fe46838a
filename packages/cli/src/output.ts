import type { RunResult, TargetUsage } from '@galapagos/client';
import type { CodeChange, Genome, LogbookEntry } from '@galapagos/core';

const num = (x: number): string =>
  Number.isInteger(x) ? String(x) : x.toPrecision(6).replace(/\.?0+$/, '');
const WIDTHS = [5, 7, 12, 12, 12, 12, 12] as const;
const row = (cells: readonly string[]): string =>
  cells.map((c, i) => c.padStart(WIDTHS[i]!)).join(' ');

/**
 * The DEAP logbook header: `gen nevals max avg min std` (multi-objective: of the first
 * objective, then the hypervolume `hv`).
 */
export const logbookHeader = (multi = false): string =>
  row(['gen', 'nevals', 'max', 'avg', 'min', 'std', ...(multi ? ['hv'] : [])]);

/** One logbook line. */
export const logbookLine = (e: LogbookEntry): string =>
  row([
    String(e.gen),
    String(e.nevals),
    num(e.max),
    num(e.avg),
    num(e.min),
    num(e.std),
    ...(e.hypervolume === undefined ? [] : [num(e.hypervolume)]),
  ]);

/** A fitness for humans: a number, or a vector in brackets. */
const showFitness = (f: number | readonly number[]): string =>
  typeof f === 'number' ? num(f) : `[${f.map(num).join(', ')}]`;

/** A genome for humans: bit strings as they are, arrays shortened past 40 genes. */
/** The logbook's note where a resumed run went on with other code. */
export const codeChangeLine = (change: CodeChange) =>
  `  -- code changed after generation ${change.generation}: ${change.from} -> ${change.to} (resumed with --accept-code-change)`;

/** Fitness calls against what the run needed: every duplicate with its reason. */
export function callsLine(calls: RunResult['calls']): string {
  const { transport, speculation, failureRetries } = calls.duplicates;
  const reasons = [
    transport > 0 ? `${transport} resent after lost requests` : '',
    speculation > 0 ? `${speculation} speculative duplicates on idle threads` : '',
    failureRetries > 0 ? `${failureRetries} failed genomes retried (run.onError.retries)` : '',
  ].filter(Boolean);
  const extra = calls.sent - calls.distinct;
  return `calls: ${calls.requested} evaluations asked for, ${calls.cached} from cache, ${calls.distinct} distinct genomes sent, ${calls.sent} calls in all (${extra === 0 ? 'no duplicates' : `+${extra}: ${reasons.join(', ')}`})`;
}

export function showGenome(genome: Genome): string {
  if (typeof genome === 'string')
    return genome.length > 200 ? `${genome.slice(0, 200)}… (${genome.length} bits)` : genome;
  const shown = genome.slice(0, 40).map(num).join(', ');
  return `[${shown}${genome.length > 40 ? `, … (${genome.length} genes)` : ''}]`;
}

const usd = (x: number) => `$${x < 0.01 && x > 0 ? x.toPrecision(3) : x.toFixed(2)}`;
const usageText = (u: TargetUsage) =>
  `${usd(u.usd)} (${u.requests} requests, ${u.gbSeconds === undefined ? `${u.computeSeconds.toFixed(1)} worker-s` : `${u.gbSeconds.toFixed(2)} GB-s`})`;

/** `cost: $0.0123 …`: in total and, for a group, per member. */
export function costLine(cost: TargetUsage, target: string): string {
  const members = cost.members
    ? `: ${Object.entries(cost.members)
        .map(([name, u]) => `${name} ${usageText(u)}`)
        .join(', ')}`
    : ` on ${target}: ${usageText(cost)}`;
  return `cost: ${usd(cost.usd)}${members}`;
}

/** The summary after the logbook. */
export function summary(
  result: RunResult,
  target: string,
  costMs: number | undefined,
  rounds: number,
): string[] {
  const seconds = result.elapsedMs / 1000;
  const front = result.objectives
    ? [
        `Pareto front: ${result.hallOfFame.length} individuals${result.hypervolume === undefined ? '' : `, hypervolume ${num(result.hypervolume)} (reference point [${result.referencePoint!.join(', ')}])`}`,
      ]
    : [];
  const lines = [
    ...front,
    `${result.objectives ? 'best in the first objective' : 'best'}: ${showGenome(result.best.genome)}  fitness ${showFitness(result.best.fitness)}`,
    `target ${target}: ${result.evaluations} evaluations (${result.evaluationsSent} sent, ${result.cacheHits} from cache) in ${rounds} rounds, ${seconds.toFixed(2)} s, ${result.evalsPerSecond.toFixed(0)} evaluations/s, ${result.retries} retries`,
  ];
  lines.push(callsLine(result.calls));
  if (result.utilisation !== undefined)
    lines.push(
      `worker utilisation: ${(result.utilisation * 100).toFixed(1)} % (busy thread time ÷ threads × elapsed)`,
    );
  if (result.spend) lines.push(costLine(result.spend, target));
  if (result.members)
    lines.push(
      `members: ${result.members.map((m) => `${m.name} ${m.genomes} genomes in ${m.batches - m.failures} batches${m.failures > 0 ? ` (${m.failures} failed, sent elsewhere)` : ''}`).join(', ')}`,
    );
  if (result.speculated > 0)
    lines.push(
      `speculation: ${result.speculated} straggling batches sent again, ${result.speculationWins} of the duplicates answered first`,
    );
  if (result.stoppedBy !== 'generations')
    lines.push(`stopped by ${result.stoppedBy} after generation ${result.logbook.length - 1}`);
  if (result.penalised > 0)
    lines.push(
      `penalised: ${result.penalised} genomes whose evaluation failed${result.calls.timedOut > 0 ? ` (${result.calls.timedOut} ran past their timeoutMs)` : ''} were given run.onError.penalty`,
    );
  // Rounds × cost is a generational run's floor; a steady-state run has no rounds.
  if (costMs !== undefined && costMs > 0 && result.replay === undefined) {
    const limit = (rounds * costMs) / 1000;
    lines.push(
      `theoretical limit: ${rounds} rounds × ${costMs} ms = ${limit.toFixed(2)} s; elapsed/limit ${(seconds / limit).toFixed(3)}`,
    );
  }
  return lines;
}
