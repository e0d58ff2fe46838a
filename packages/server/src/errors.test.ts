import { readFileSync } from 'node:fs';
import { ERROR_CODES } from '@galapagos/core';
import { describe, expect, it } from 'vitest';
import { REPLY_CODES, SERVER_ERROR_CODES, STATUS_BY_CODE } from './errors.js';

describe('server error catalogue', () => {
  it('has codes distinct from core and from each other', () => {
    const server = Object.keys(SERVER_ERROR_CODES);
    const core = Object.keys(ERROR_CODES);
    expect(server.filter((c) => core.includes(c))).toEqual([]);
    expect(new Set([...server, ...core]).size).toBe(server.length + core.length);
    for (const code of server) expect(code).toMatch(/^GALAPAGOS_ERR_[A-Z_]+$/);
  });

  it('gives every reply code an HTTP error status', () => {
    for (const code of Object.keys(REPLY_CODES)) {
      const status = STATUS_BY_CODE[code as keyof typeof STATUS_BY_CODE];
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
    }
    expect(Object.keys(STATUS_BY_CODE).sort()).toEqual(Object.keys(REPLY_CODES).sort());
  });

  it('documents every server code and its status in the package README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const [code, status] of Object.entries(STATUS_BY_CODE)) {
      if (!(code in SERVER_ERROR_CODES)) continue;
      expect(readme, code).toMatch(new RegExp(`\`${code}\`\\s*\\|\\s*${status}\\s*\\|`));
    }
  });
});
