import { describe, expect, it } from 'vitest';
import { forEachChosen, isRandomState, Random, seedState } from './random.js';

const draws = (r: Random, n: number) => Array.from({ length: n }, () => r.nextUint32());

describe('Random', () => {
  it('draws a bit string with the same draws as next() < 0.5, leaving the same state', () => {
    for (const seed of [1, 42, 2 ** 31 - 1]) {
      const one = Random.fromSeed(seed);
      const many = Random.fromSeed(seed);
      for (const length of [1, 7, 100, 1000]) {
        let expected = '';
        for (let i = 0; i < length; i++) expected += many.next() < 0.5 ? '0' : '1';
        expect(one.bitString(length)).toBe(expected);
        expect(one.state()).toEqual(many.state());
      }
    }
  });

  it('reproduces a sequence from a seed', () => {
    expect(draws(Random.fromSeed(7), 100)).toEqual(draws(Random.fromSeed(7), 100));
    expect(draws(Random.fromSeed(7), 10)).not.toEqual(draws(Random.fromSeed(8), 10));
  });

  it('continues exactly from its JSON state', () => {
    const a = Random.fromSeed(3);
    draws(a, 17);
    const saved = JSON.parse(JSON.stringify(a.state()));
    expect(isRandomState(saved)).toBe(true);
    expect(draws(new Random(saved), 50)).toEqual(draws(a, 50));
  });

  it('accepts any safe integer seed and rejects others', () => {
    expect(isRandomState(seedState(-(2 ** 53) + 1))).toBe(true);
    expect(isRandomState(seedState(2 ** 40 + 5))).toBe(true);
    expect(seedState(2 ** 40)).not.toEqual(seedState(0));
    expect(() => seedState(1.5)).toThrow(RangeError);
  });

  it('draws floats in [0, 1) with a uniform mean', () => {
    const r = Random.fromSeed(11);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = r.next();
      if (!(x >= 0 && x < 1)) outside++;
      sum += x;
    }
    expect(outside).toBe(0);
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
  });

  it('draws normal deviates with the asked mean and deviation', () => {
    const r = Random.fromSeed(5);
    const xs = Array.from({ length: 50_000 }, () => r.normal(2, 3));
    const mean = xs.reduce((a, b) => a + b) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(2, 1);
    expect(sd).toBeCloseTo(3, 1);
  });

  it('chooses each index with probability p when skipping geometrically', () => {
    const r = Random.fromSeed(9);
    for (const p of [0.01, 0.1, 0.5, 0.9]) {
      const counts = new Array<number>(50).fill(0);
      for (let t = 0; t < 4000; t++) forEachChosen(50, p, r, (i) => counts[i]!++);
      for (const c of counts) expect(Math.abs(c / 4000 - p)).toBeLessThan(0.04);
    }
    let n = 0;
    forEachChosen(20, 1, r, () => n++);
    expect(n).toBe(20);
    forEachChosen(20, 0, r, () => n++);
    expect(n).toBe(20);
  });
});
