/**
 * What a report shows, from any of the files a run leaves: a checkpoint (`--checkpoint`, or a
 * server run's `GET /v1/runs/{id}/state`), a `galapagos run --json` result, or a server run
 * (`GET /v1/runs/{id}`).
 */
import type { Evaluated, LogbookEntry } from '@galapagos/core';
import type { ChartStats } from '../../assets/charts.js';

export interface ReportView {
  readonly title: string;
  readonly subtitle: string;
  readonly status?: string;
  readonly logbook: readonly LogbookEntry[];
  readonly stats?: readonly ChartStats[];
  readonly objectives?: readonly ('max' | 'min')[];
  readonly front?: readonly (readonly number[])[];
  readonly best?: Evaluated<number | readonly number[]>;
}

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

const isLogbook = (x: unknown): x is LogbookEntry[] =>
  Array.isArray(x) &&
  x.every(
    (e) =>
      isObject(e) &&
      ['gen', 'nevals', 'max', 'avg', 'min', 'std'].every((k) => typeof e[k] === 'number'),
  );

const frontOf = (objectives: unknown, hallOfFame: unknown) =>
  Array.isArray(objectives) && Array.isArray(hallOfFame)
    ? (hallOfFame as Evaluated<number[]>[]).map((i) => i.fitness)
    : undefined;

/** ` · cost $0.0123 (lambda $0.0123, local $0.00)`, from a result's `cost`. */
function costText(cost: unknown): string {
  if (!isObject(cost) || typeof cost.usd !== 'number') return '';
  const usd = (x: number) => `$${x > 0 && x < 0.01 ? x.toPrecision(3) : x.toFixed(2)}`;
  const members = isObject(cost.members)
    ? ` (${Object.entries(cost.members)
        .map(([name, u]) => `${name} ${usd(isObject(u) && typeof u.usd === 'number' ? u.usd : 0)}`)
        .join(', ')})`
    : '';
  return ` · cost ${usd(cost.usd)}${members}`;
}

/** The view of a parsed file, or why it is not one a report can show. */
export function reportView(json: unknown, name: string): ReportView | { error: string } {
  if (!isObject(json)) return { error: 'is not a JSON object' };
  const common = (problem: unknown, seed: unknown, generations: unknown) =>
    `${String(problem)} · seed ${String(seed)} · ${String(generations)} generations`;
  if (json.format === 'galapagos/state') {
    const config = json.config as Json;
    if (!isLogbook(json.logbook) || !isObject(config))
      return { error: 'is a state without a valid logbook' };
    return {
      title: `Galápagos run: ${String(config.problem)}`,
      subtitle: `${common(config.problem, config.seed, json.logbook.length - 1)} · from checkpoint ${name}`,
      logbook: json.logbook,
      ...(Array.isArray(json.objectives)
        ? {
            objectives: json.objectives as ('max' | 'min')[],
            front: frontOf(json.objectives, json.hallOfFame)!,
          }
        : {}),
      ...(isObject(json.best) ? { best: json.best as unknown as Evaluated<number> } : {}),
    };
  }
  if (!isLogbook(json.logbook))
    return {
      error:
        'holds no logbook (expected a checkpoint, a galapagos run --json result, or a server run from GET /v1/runs/{id})',
    };
  const serverRun = typeof json.status === 'string' && typeof json.id === 'string';
  const best = (serverRun ? json.bestIndividual : json.best) as Evaluated<number> | undefined;
  const stats = Array.isArray(json.stats) ? (json.stats as ChartStats[]) : undefined;
  return {
    title: serverRun
      ? `Galápagos run ${String(json.id)}`
      : `Galápagos run: ${String(json.problem)}`,
    subtitle: serverRun
      ? `${String(json.status)} · ${common(json.problem, json.seed, json.logbook.length - 1)} on ${String(json.target)}`
      : `${common(json.problem, json.seed, json.logbook.length - 1)}${typeof json.target === 'string' ? ` on ${json.target}` : ''}${typeof json.evalsPerSecond === 'number' ? ` · ${json.evalsPerSecond.toFixed(0)} evaluations/s` : ''}${costText(json.spend ?? json.cost)}`,
    ...(serverRun ? { status: String(json.status) } : {}),
    logbook: json.logbook,
    ...(stats ? { stats } : {}),
    ...(Array.isArray(json.objectives)
      ? {
          objectives: json.objectives as ('max' | 'min')[],
          front: frontOf(json.objectives, json.hallOfFame)!,
        }
      : {}),
    ...(isObject(best) ? { best } : {}),
  };
}
