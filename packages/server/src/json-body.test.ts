import { describe, expect, it } from 'vitest';
import { plainJson } from './json-body.js';

describe('plainJson', () => {
  it('lets through only texts that cannot name __proto__ or constructor', () => {
    expect(plainJson('{"problem":"onemax","genomes":["0101","1100"]}')).toBe(true);
    expect(plainJson('{"__proto__":{}}')).toBe(false);
    expect(plainJson('{"a":{"constructor":{}}}')).toBe(false);
    // Any escape might spell one of them.
    expect(plainJson('{"\\u005f_proto__":{}}')).toBe(false);
    expect(plainJson('{"a":"\\n"}')).toBe(false);
  });
});
