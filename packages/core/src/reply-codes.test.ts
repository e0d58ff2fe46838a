import { describe, expect, it } from 'vitest';
import {
  ENGINE_REPLY_CODES,
  HTTP_REPLY_CODES,
  REPLY_CODE_ENTRIES,
  RUN_REPLY_CODES,
  replyCodeEntry,
} from './reply-codes.js';

describe('the reply codes, one entry each', () => {
  it('declares each code once, across the engine, HTTP and run API groups', () => {
    const all = [ENGINE_REPLY_CODES, HTTP_REPLY_CODES, RUN_REPLY_CODES].flatMap(Object.keys);
    expect(new Set(all).size).toBe(all.length);
    expect(Object.keys(REPLY_CODE_ENTRIES).sort()).toEqual([...all].sort());
  });

  it('keeps meaning, status, retryability and exit code consistent within each entry', () => {
    for (const [code, entry] of Object.entries(REPLY_CODE_ENTRIES)) {
      expect(code).toMatch(/^GALAPAGOS_ERR_[A-Z_]+$/);
      expect(entry.description.length, code).toBeGreaterThan(10);
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      expect(entry.status, code).toBeLessThan(600);
      // Only a code worth retrying says when to retry; a refused request ends the CLI with 2.
      if (entry.retryAfterSeconds !== undefined) expect(entry.retryable, code).toBe(true);
      if (entry.exit === 2) expect([400, 404, 409, 413], code).toContain(entry.status);
      if (entry.retryable) expect(entry.exit, code).toBe(1);
    }
    expect(replyCodeEntry('GALAPAGOS_ERR_OVERLOADED')).toMatchObject({
      status: 503,
      retryable: true,
      retryAfterSeconds: 1,
    });
    expect(replyCodeEntry('GALAPAGOS_ERR_INVALID_PARAMS')).toMatchObject({ status: 400, exit: 2 });
    expect(replyCodeEntry('GALAPAGOS_ERR_NOPE')).toBeUndefined();
    expect(replyCodeEntry('toString')).toBeUndefined();
  });
});
