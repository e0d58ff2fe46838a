import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../random.js';
import {
  crowdingDistance,
  dominates,
  hypervolume,
  nonDominatedSort,
  type Objectives,
  selNSGA2,
  selTournamentDCD,
} from './pareto.js';

const MIN2: Objectives = ['min', 'min'];
const pointsArb = (m: number, max = 30) =>
  fc.array(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: m, maxLength: m }), {
    minLength: 1,
    maxLength: max,
  });

describe('dominance', () => {
  it('is irreflexive, antisymmetric and transitive', () => {
    fc.assert(
      fc.property(pointsArb(3, 3), (ps) => {
        const objectives: Objectives = ['min', 'max', 'min'];
        const [a, b, c] = [ps[0]!, ps[1] ?? ps[0]!, ps[2] ?? ps[0]!];
        expect(dominates(a, a, objectives)).toBe(false);
        if (dominates(a, b, objectives)) expect(dominates(b, a, objectives)).toBe(false);
        if (dominates(a, b, objectives) && dominates(b, c, objectives))
          expect(dominates(a, c, objectives)).toBe(true);
      }),
    );
  });

  it('respects each objective’s direction', () => {
    expect(dominates([1, 5], [2, 5], MIN2)).toBe(true);
    expect(dominates([1, 5], [2, 5], ['max', 'min'])).toBe(false);
    expect(dominates([2, 6], [1, 5], ['max', 'max'])).toBe(true);
    expect(dominates([1, 6], [2, 5], MIN2)).toBe(false);
  });
});

describe('non-dominated sort', () => {
  it('partitions the points into fronts, each dominated only by earlier ones', () => {
    fc.assert(
      fc.property(pointsArb(2), (points) => {
        const fronts = nonDominatedSort(points, MIN2);
        expect(fronts.flat().sort((a, b) => a - b)).toEqual(points.map((_, i) => i));
        fronts.forEach((front, r) => {
          for (const i of front) {
            for (const j of front) expect(dominates(points[j]!, points[i]!, MIN2)).toBe(false);
            for (const later of fronts.slice(r + 1))
              for (const j of later) expect(dominates(points[j]!, points[i]!, MIN2)).toBe(false);
            if (r > 0)
              expect(fronts[r - 1]!.some((j) => dominates(points[j]!, points[i]!, MIN2))).toBe(
                true,
              );
          }
        });
      }),
    );
  });

  it('sorts a small case exactly', () => {
    const points = [
      [1, 4],
      [2, 2],
      [4, 1],
      [3, 3],
      [5, 5],
      [2, 2],
    ];
    expect(nonDominatedSort(points, MIN2)).toEqual([[0, 1, 2, 5], [3], [4]]);
  });
});

describe('crowding distance', () => {
  it('gives the boundaries infinity and the others their normalised neighbour gaps', () => {
    const points = [
      [0, 10],
      [2, 6],
      [5, 3],
      [10, 0],
    ];
    const d = crowdingDistance(points, [0, 1, 2, 3]);
    expect(d[0]).toBe(Number.POSITIVE_INFINITY);
    expect(d[3]).toBe(Number.POSITIVE_INFINITY);
    // DEAP: (5 - 0) / (2 × 10) + (10 - 3) / (2 × 10) and (10 - 2) / 20 + (6 - 0) / 20.
    expect(d[1]).toBeCloseTo(12 / 20);
    expect(d[2]).toBeCloseTo(14 / 20);
  });

  it('is non-negative, and infinite for each objective’s extremes', () => {
    fc.assert(
      fc.property(pointsArb(3), (points) => {
        const front = points.map((_, i) => i);
        const d = crowdingDistance(points, front);
        expect(d.every((v) => v >= 0)).toBe(true);
        for (let m = 0; m < 3; m++) {
          const values = points.map((p) => p[m]!);
          if (Math.max(...values) === Math.min(...values)) continue;
          expect(
            d.some((v, i) => v === Number.POSITIVE_INFINITY && values[i] === Math.min(...values)),
          ).toBe(true);
        }
      }),
    );
  });
});

describe('NSGA-II selection', () => {
  it('selNSGA2 keeps whole better fronts and k distinct points', () => {
    fc.assert(
      fc.property(pointsArb(2), fc.nat(), (points, kSeed) => {
        const k = 1 + (kSeed % points.length);
        const chosen = selNSGA2(points, k, MIN2);
        expect(new Set(chosen).size).toBe(k);
        const fronts = nonDominatedSort(points, MIN2);
        let kept = 0;
        for (const front of fronts) {
          if (kept + front.length > k) break;
          for (const i of front) expect(chosen).toContain(i);
          kept += front.length;
        }
      }),
    );
  });

  it('selTournamentDCD picks k winners, never one dominated by its opponent', () => {
    const points = Array.from({ length: 16 }, (_, i) => [i % 4, 3 - (i % 4) + Math.floor(i / 4)]);
    const crowding = points.map(() => 0);
    const rng = Random.fromSeed(5);
    const chosen = selTournamentDCD(points, crowding, 16, MIN2, rng);
    expect(chosen).toHaveLength(16);
    // Every winner is from the first front (i < 4) or beat a point it is not dominated by.
    const front = new Set(nonDominatedSort(points, MIN2)[0]);
    expect(chosen.filter((i) => front.has(i)).length).toBeGreaterThan(4);
    expect(() => selTournamentDCD(points.slice(0, 6), crowding, 4, MIN2, rng)).toThrow(
      /multiples of 4/,
    );
  });
});

describe('hypervolume', () => {
  it('measures small cases exactly, in 2 and 3 objectives', () => {
    expect(hypervolume([[1, 1]], [3, 3], MIN2)).toBe(4);
    expect(
      hypervolume(
        [
          [1, 2],
          [2, 1],
        ],
        [3, 3],
        MIN2,
      ),
    ).toBe(3);
    expect(hypervolume([[2, 2]], [0, 0], ['max', 'max'])).toBe(4);
    expect(
      hypervolume(
        [
          [0, 0, 1],
          [1, 1, 0],
        ],
        [2, 2, 2],
        ['min', 'min', 'min'],
      ),
    ).toBe(4 + 1 * 1 * 1 + 0);
    expect(hypervolume([[5, 5]], [3, 3], MIN2)).toBe(0);
  });

  it('equals counting unit cells, for integer points in 3 objectives', () => {
    fc.assert(
      fc.property(pointsArb(3, 8), (points) => {
        const reference = [10, 10, 10];
        let cells = 0;
        for (let x = 0; x < 10; x++)
          for (let y = 0; y < 10; y++)
            for (let z = 0; z < 10; z++)
              if (points.some((p) => p[0]! <= x && p[1]! <= y && p[2]! <= z)) cells++;
        expect(hypervolume(points, reference, ['min', 'min', 'min'])).toBeCloseTo(cells, 9);
      }),
      { numRuns: 60 },
    );
  });

  it("of ZDT1's true front against (11, 11) approaches 120 + 2/3", () => {
    const front = Array.from({ length: 2001 }, (_, i) => {
      const f1 = i / 2000;
      return [f1, 1 - Math.sqrt(f1)];
    });
    const hv = hypervolume(front, [11, 11], MIN2);
    expect(hv).toBeLessThan(120 + 2 / 3);
    expect(hv).toBeGreaterThan(120 + 2 / 3 - 1e-3);
  });
});
