import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, GalapagosError, isErrorCode, isGalapagosError } from './errors.js';

describe('error catalogue', () => {
  const codes = Object.keys(ERROR_CODES);

  it('has unique, well-formed, described codes', () => {
    expect(new Set(codes).size).toBe(codes.length);
    for (const [code, description] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^GALAPAGOS_ERR_[A-Z_]+$/);
      expect(description.length).toBeGreaterThan(10);
    }
  });

  it('documents every code in the package README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const code of codes) expect(readme, code).toContain(`\`${code}\``);
  });

  it('builds coded errors that keep their details', () => {
    const error = new GalapagosError('GALAPAGOS_ERR_INVALID_GENOME', 'bad', { details: { i: 1 } });
    expect(error).toBeInstanceOf(Error);
    expect(isGalapagosError(error, 'GALAPAGOS_ERR_INVALID_GENOME')).toBe(true);
    expect(isGalapagosError(error, 'GALAPAGOS_ERR_ABORTED')).toBe(false);
    expect(error.details).toEqual({ i: 1 });
    expect(isErrorCode('GALAPAGOS_ERR_ABORTED')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
  });
});
