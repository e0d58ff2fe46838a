import { describe, expect, it } from 'vitest';
import { rateLabel } from './progress.js';

describe('the progress rate', () => {
  it('says nothing while a generation is too young to tell', () => {
    expect(rateLabel(500_000, 0.001)).toBe('-/s');
  });

  it('counts what was evaluated over the time it took', () => {
    expect(rateLabel(100, 2)).toBe('50/s');
    expect(rateLabel(3, 2)).toBe('1.5/s');
  });
});
