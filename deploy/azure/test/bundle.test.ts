// The deployment package: built, copied to an empty folder, loaded and called there.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const artifact = fileURLToPath(new URL('../package/', import.meta.url));

describe('deployment package', () => {
  it('holds host.json without a route prefix and within the 230 s HTTP limit', () => {
    const host = JSON.parse(readFileSync(join(artifact, 'host.json'), 'utf8'));
    expect(host.extensions.http.routePrefix).toBe('');
    const [h, m, s] = host.functionTimeout.split(':').map(Number);
    expect(h * 3600 + m * 60 + s).toBeLessThan(230);
    expect(JSON.parse(readFileSync(join(artifact, 'package.json'), 'utf8')).main).toBe(
      'dist/index.mjs',
    );
  });

  it('loads in an empty folder and answers through its exported handler', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galapagos-azure-'));
    try {
      cpSync(artifact, dir, { recursive: true });
      const probe = `
        const mod = await import(${JSON.stringify(pathToFileURL(join(dir, 'dist/index.mjs')).href)});
        const request = { method: 'POST', url: 'https://x.azurewebsites.net/v1/evaluate', headers: new Headers({ 'content-type': 'application/json' }),
          body: true, arrayBuffer: async () => new TextEncoder().encode(JSON.stringify({ problem: 'onemax', params: { length: 3 }, genomes: ['011', '111'] })).buffer };
        const result = await mod.handler(request, {});
        console.log(JSON.stringify({ status: result.status, body: Buffer.from(result.body).toString() }));
        process.exit(0);`;
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--input-type=module', '-e', probe],
        {
          cwd: dir,
          env: { ...process.env, GALAPAGOS_LOG_LEVEL: 'silent' },
        },
      );
      const line = stdout.trim().split('\n').at(-1)!;
      const { status, body } = JSON.parse(line);
      expect(status).toBe(200);
      expect(JSON.parse(body).fitness).toEqual([2, 3]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
