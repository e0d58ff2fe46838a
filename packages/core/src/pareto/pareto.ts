/**
 * Multi-objective building blocks, as DEAP has them for NSGA-II: Pareto dominance, the fast
 * non-dominated sort, crowding distance, `selNSGA2`, `selTournamentDCD` and the hypervolume.
 * Points are fitness vectors; `objectives` says per objective whether it is maximised or
 * minimised. Pure: no state beyond the generator passed in.
 */
import type { Random } from '../random.js';

export type Objectives = readonly ('min' | 'max')[];
export type Point = readonly number[];

/** True when `a` is at least as good as `b` in every objective and better in one. */
export function dominates(a: Point, b: Point, objectives: Objectives): boolean {
  let better = false;
  for (let i = 0; i < objectives.length; i++) {
    const diff = objectives[i] === 'max' ? a[i]! - b[i]! : b[i]! - a[i]!;
    if (diff < 0) return false;
    if (diff > 0) better = true;
  }
  return better;
}

/**
 * Deb's fast non-dominated sort: the indices of `points` by front, the first front holding
 * the points no other dominates. Within a front, indices ascend.
 */
export function nonDominatedSort(points: readonly Point[], objectives: Objectives): number[][] {
  const n = points.length;
  const m = objectives.length;
  // As minimisation, in one flat array: one comparison pass then serves both directions.
  const flat = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < m; k++)
      flat[i * m + k] = objectives[k] === 'max' ? -points[i]![k]! : points[i]![k]!;
  const dominatedBy = new Int32Array(n);
  const dominating: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      let iBetter = false;
      let jBetter = false;
      for (let k = 0; k < m; k++) {
        const d = flat[i * m + k]! - flat[j * m + k]!;
        if (d < 0) iBetter = true;
        else if (d > 0) jBetter = true;
        if (iBetter && jBetter) break;
      }
      if (iBetter && !jBetter) {
        dominating[i]!.push(j);
        dominatedBy[j]!++;
      } else if (jBetter && !iBetter) {
        dominating[j]!.push(i);
        dominatedBy[i]!++;
      }
    }
  const fronts: number[][] = [];
  let current: number[] = [];
  for (let i = 0; i < n; i++) if (dominatedBy[i] === 0) current.push(i);
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const i of current)
      for (const j of dominating[i]!) if (--dominatedBy[j]! === 0) next.push(j);
    current = next.sort((a, b) => a - b);
  }
  return fronts;
}

/**
 * Crowding distance of each member of one front (DEAP `assignCrowdingDist`): per objective,
 * the boundary points get infinity and the others the gap between their neighbours, divided
 * by the objective's range times the number of objectives. Returns the distances in `front`'s
 * order.
 */
export function crowdingDistance(points: readonly Point[], front: readonly number[]): number[] {
  const distance = new Array<number>(front.length).fill(0);
  if (front.length === 0) return distance;
  const m = points[front[0]!]!.length;
  const order = front.map((_, k) => k);
  for (let i = 0; i < m; i++) {
    order.sort((a, b) => points[front[a]!]![i]! - points[front[b]!]![i]! || a - b);
    const first = points[front[order[0]!]!]![i]!;
    const last = points[front[order[order.length - 1]!]!]![i]!;
    distance[order[0]!] = Number.POSITIVE_INFINITY;
    distance[order[order.length - 1]!] = Number.POSITIVE_INFINITY;
    if (last === first) continue;
    const norm = m * (last - first);
    for (let k = 1; k < order.length - 1; k++) {
      const gap = points[front[order[k + 1]!]!]![i]! - points[front[order[k - 1]!]!]![i]!;
      distance[order[k]!]! += gap / norm;
    }
  }
  return distance;
}

/** Each point's front rank (0 = non-dominated) and crowding distance within its front. */
export function rankAndCrowding(
  points: readonly Point[],
  objectives: Objectives,
): { rank: number[]; crowding: number[]; fronts: number[][] } {
  const fronts = nonDominatedSort(points, objectives);
  const rank = new Array<number>(points.length).fill(0);
  const crowding = new Array<number>(points.length).fill(0);
  fronts.forEach((front, r) => {
    const distances = crowdingDistance(points, front);
    front.forEach((i, k) => {
      rank[i] = r;
      crowding[i] = distances[k]!;
    });
  });
  return { rank, crowding, fronts };
}

/**
 * NSGA-II's environmental selection (DEAP `selNSGA2`): whole fronts while they fit, then the
 * most crowding-distant members of the next one. Returns `k` indices.
 */
export function selNSGA2(points: readonly Point[], k: number, objectives: Objectives): number[] {
  const { fronts, crowding } = rankAndCrowding(points, objectives);
  const chosen: number[] = [];
  for (const front of fronts) {
    if (chosen.length + front.length <= k) {
      chosen.push(...front);
      continue;
    }
    const byCrowding = [...front].sort((a, b) => crowding[b]! - crowding[a]! || a - b);
    chosen.push(...byCrowding.slice(0, k - chosen.length));
    break;
  }
  return chosen;
}

/**
 * DEAP's `selTournamentDCD`: binary tournaments on dominance, then crowding distance, then a
 * coin, over two random permutations of the population; `k` winners (a multiple of 4, at most
 * the population, which must itself be a multiple of 4).
 */
export function selTournamentDCD(
  points: readonly Point[],
  crowding: readonly number[],
  k: number,
  objectives: Objectives,
  rng: Random,
): number[] {
  const n = points.length;
  if (n % 4 !== 0 || k % 4 !== 0 || k > n)
    throw new RangeError(
      `selTournamentDCD needs a population and k that are multiples of 4 (k <= population), got ${n} and ${k}`,
    );
  const tourn = (a: number, b: number): number => {
    if (dominates(points[a]!, points[b]!, objectives)) return a;
    if (dominates(points[b]!, points[a]!, objectives)) return b;
    if (crowding[a]! < crowding[b]!) return b;
    if (crowding[a]! > crowding[b]!) return a;
    return rng.next() <= 0.5 ? a : b;
  };
  const permutation = () => {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
  };
  const first = permutation();
  const second = permutation();
  const chosen: number[] = [];
  for (let i = 0; i < k; i += 4) {
    chosen.push(tourn(first[i]!, first[i + 1]!), tourn(first[i + 2]!, first[i + 3]!));
    chosen.push(tourn(second[i]!, second[i + 1]!), tourn(second[i + 2]!, second[i + 3]!));
  }
  return chosen;
}

/**
 * The hypervolume dominated by `points` and bounded by `reference` (which every counted point
 * must be better than in every objective; others add nothing). Exact: a sweep in two
 * objectives, slicing along the last objective above that.
 */
export function hypervolume(
  points: readonly Point[],
  reference: Point,
  objectives: Objectives,
): number {
  // As minimisation, relative to the reference: a point counts when all its coordinates < 0.
  const shifted = points
    .map((p) => p.map((v, i) => (objectives[i] === 'max' ? reference[i]! - v : v - reference[i]!)))
    .filter((p) => p.every((v) => v < 0));
  return volume(shifted, objectives.length);
}

/** The volume between the origin and points all of whose coordinates are negative (minimised). */
function volume(points: readonly number[][], m: number): number {
  if (points.length === 0) return 0;
  if (m === 1) return -Math.min(...points.map((p) => p[0]!));
  if (m === 2) {
    const sorted = [...points].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
    let area = 0;
    let bestY = 0;
    for (const [x, y] of sorted as [number, number][])
      if (y < bestY) {
        area += -x * (bestY - y);
        bestY = y;
      }
    return area;
  }
  // Slice along the last objective: between consecutive levels, the (m-1)-volume of the
  // points at or below the level.
  const sorted = [...points].sort((a, b) => a[m - 1]! - b[m - 1]!);
  let total = 0;
  for (let i = 0; i < sorted.length; i++) {
    const level = sorted[i]![m - 1]!;
    const upper = i + 1 < sorted.length ? sorted[i + 1]![m - 1]! : 0;
    if (upper === level) continue;
    const below = sorted.slice(0, i + 1).map((p) => p.slice(0, m - 1));
    total += volume(below, m - 1) * (upper - level);
  }
  return total;
}
