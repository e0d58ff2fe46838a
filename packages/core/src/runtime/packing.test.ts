import { describe, expect, it } from 'vitest';
import { packedCount, packGenomes, unpackGenome } from './packing.js';

describe('genome packing for worker threads', () => {
  it('round-trips bit strings, real vectors and permutations in order', () => {
    const cases = [
      [{ kind: 'binary', length: 3 } as const, ['010', '111', '000']],
      [
        { kind: 'real', length: 2, low: -1, high: 1 } as const,
        [
          [0.5, -1],
          [1, 0.25],
        ],
      ],
      [
        { kind: 'permutation', length: 3 } as const,
        [
          [2, 0, 1],
          [0, 1, 2],
        ],
      ],
    ] as const;
    for (const [spec, genomes] of cases) {
      const pack = packGenomes(spec, genomes as never);
      expect(packedCount(pack)).toBe(genomes.length);
      expect(genomes.map((_, i) => unpackGenome(pack, i))).toEqual(genomes);
    }
    expect(packedCount(packGenomes({ kind: 'binary', length: 4 }, []))).toBe(0);
  });
});
