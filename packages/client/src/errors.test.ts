import { describe, expect, it } from 'vitest';
import { CLIENT_ERROR_CODES, errorFromReply, parseRetryAfter } from './errors.js';

describe('client errors', () => {
  it('parses Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('turns a coded reply back into the same code, retryable only for overload and gateways', () => {
    const overloaded = errorFromReply(
      503,
      { code: 'GALAPAGOS_ERR_OVERLOADED', message: 'full' },
      '1',
    );
    expect(overloaded).toMatchObject({
      code: 'GALAPAGOS_ERR_OVERLOADED',
      retryable: true,
      retryAfterMs: 1000,
      status: 503,
    });
    expect(
      errorFromReply(400, { code: 'GALAPAGOS_ERR_INVALID_GENOME', message: 'bad' }, undefined),
    ).toMatchObject({
      code: 'GALAPAGOS_ERR_INVALID_GENOME',
      retryable: false,
      message: 'bad',
    });
    expect(errorFromReply(502, '<html>', undefined)).toMatchObject({
      code: 'GALAPAGOS_ERR_HTTP',
      retryable: true,
    });
  });

  it('has unique, well-formed codes', () => {
    const codes = Object.keys(CLIENT_ERROR_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^GALAPAGOS_ERR_[A-Z_]+$/);
  });
});

describe('documentation', () => {
  it('documents every client code in the package README', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const code of Object.keys(CLIENT_ERROR_CODES))
      expect(readme, code).toContain(`\`${code}\``);
  });
});
