import { describe, expect, it } from 'vitest';
import { assertGenomes, genomeProblem } from './genome.js';

describe('genome validation', () => {
  const binary = { kind: 'binary', length: 4 } as const;
  const real = { kind: 'real', length: 2, low: -1, high: 1 } as const;
  const perm = { kind: 'permutation', length: 3 } as const;

  it('accepts well-formed genomes', () => {
    expect(genomeProblem(binary, '0110')).toBeUndefined();
    expect(genomeProblem(real, [-1, 0.5])).toBeUndefined();
    expect(genomeProblem(perm, [2, 0, 1])).toBeUndefined();
  });

  it.each([
    [binary, '011', /length 4/],
    [binary, '01a0', /only 0 and 1 \(position 2\)/],
    [binary, '01\n0', /only 0 and 1 \(position 2\)/],
    [binary, '0\u{1d7ce}1', /only 0 and 1 \(position 1\)/],
    [binary, [0, 1, 1, 0], /string/],
    [real, [0, 2], /within/],
    [real, [0, Number.NaN], /finite/],
    [real, [0, '1'], /finite/],
    [real, '01', /array/],
    [perm, [0, 0, 1], /appears twice/],
    [perm, [0, 1, 3], /integer in/],
    [perm, [0, 1.5, 2], /integer in/],
    [perm, null, /array/],
  ])('refuses %j / %j', (spec, genome, reason) => {
    expect(genomeProblem(spec, genome)).toMatch(reason);
  });

  it('names the first bad genome', () => {
    expect(() => assertGenomes(binary, ['0000', '1111', '2'])).toThrow(
      expect.objectContaining({
        code: 'GALAPAGOS_ERR_INVALID_GENOME',
        message: expect.stringMatching(/^genome 2 /),
      }),
    );
  });
});
