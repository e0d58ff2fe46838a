import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, RUN_ERROR_CODES } from '@galapagos/core';
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  CLIENT_ERROR_CODES,
  ConfigError,
  EvaluationError,
  errorFromReply,
  InterruptError,
  parseRetryAfter,
} from './errors.js';

/** The codes the package's sources raise: `new …Error('CODE'` and `code = 'CODE'`. */
function raisedCodes(dir: string): Set<string> {
  const codes = new Set<string>();
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.ts') || entry.endsWith('.test.ts')) continue;
    const text = readFileSync(join(dir, entry), 'utf8');
    for (const m of text.matchAll(
      /(?:new \w+Error\(\s*|readonly code = |\bcode: )'(GALAPAGOS_ERR_[A-Z_]+)'/g,
    ))
      codes.add(m[1]!);
  }
  return codes;
}

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
    // A coded reply is retried as its code's entry says, whatever status a proxy put on it.
    expect(
      errorFromReply(500, { code: 'GALAPAGOS_ERR_SHUTTING_DOWN', message: 'bye' }, undefined),
    ).toMatchObject({ retryable: true, status: 500 });
    expect(
      errorFromReply(503, { code: 'GALAPAGOS_ERR_INVALID_GENOME', message: 'bad' }, undefined),
    ).toMatchObject({ retryable: false });
    expect(errorFromReply(502, '<html>', undefined)).toMatchObject({
      code: 'GALAPAGOS_ERR_HTTP',
      retryable: true,
    });
  });

  it('raises no code that neither its catalogue nor core catalogues', () => {
    const raised = raisedCodes(new URL('.', import.meta.url).pathname);
    // The scan must see the sources: these are raised in several files.
    expect(raised).toContain('GALAPAGOS_ERR_UNREACHABLE');
    expect(raised).toContain('GALAPAGOS_ERR_CHECKPOINT');
    const known = new Set([
      ...Object.keys(CLIENT_ERROR_CODES),
      ...Object.keys(ERROR_CODES),
      ...Object.keys(RUN_ERROR_CODES),
    ]);
    expect([...raised].filter((c) => !known.has(c))).toEqual([]);
  });

  it("carries each class's exit code: usage 2, a failed or interrupted run 1", () => {
    expect(new ConfigError('galapagos.config.json', []).exitCode).toBe(2);
    expect(new ConfigError('GALAPAGOS_ERR_UNKNOWN_PROBLEM', 'no such problem')).toMatchObject({
      code: 'GALAPAGOS_ERR_UNKNOWN_PROBLEM',
      exitCode: 2,
    });
    expect(new CheckpointError(true, 'unreadable').exitCode).toBe(2);
    expect(new CheckpointError(false, 'disk full').exitCode).toBe(1);
    expect(new InterruptError('SIGINT')).toMatchObject({
      code: 'GALAPAGOS_ERR_ABORTED',
      exitCode: 1,
    });
    expect(
      new EvaluationError('GALAPAGOS_ERR_UNREACHABLE', 'down', { retryable: true }).exitCode,
    ).toBe(1);
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
