import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '@galapagos/core';
import { describe, expect, it } from 'vitest';
import { REPLY_CODES, SERVER_ERROR_CODES, STARTUP_ERROR_CODES, STATUS_BY_CODE } from './errors.js';

describe('server error catalogue', () => {
  it('has codes distinct from core and from each other', () => {
    const server = Object.keys(SERVER_ERROR_CODES);
    const core = Object.keys(ERROR_CODES);
    expect(server.filter((c) => core.includes(c))).toEqual([]);
    expect(new Set([...server, ...core]).size).toBe(server.length + core.length);
    for (const code of server) expect(code).toMatch(/^GALAPAGOS_ERR_[A-Z_]+$/);
  });

  it('raises no code that neither its catalogues nor core catalogue', () => {
    const dir = new URL('.', import.meta.url).pathname;
    const raised = new Set<string>();
    for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
      if (!entry.endsWith('.ts') || entry.endsWith('.test.ts')) continue;
      const text = readFileSync(join(dir, entry), 'utf8');
      for (const m of text.matchAll(
        /(?:new \w+Error\(\s*|errorBody\(\s*|reply\(\s*\w+,\s*)'(GALAPAGOS_ERR_[A-Z_]+)'/g,
      ))
        raised.add(m[1]!);
    }
    expect(raised).toContain('GALAPAGOS_ERR_SETTINGS');
    const known = new Set([...Object.keys(REPLY_CODES), ...Object.keys(STARTUP_ERROR_CODES)]);
    expect([...raised].filter((c) => !known.has(c))).toEqual([]);
  });

  it('documents the startup codes in the package README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const code of Object.keys(STARTUP_ERROR_CODES))
      expect(readme, code).toContain(`\`${code}\``);
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
