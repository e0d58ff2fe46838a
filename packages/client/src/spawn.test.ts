import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvaluationError, SpawnError } from './errors.js';
import { ensureLocalServer, startServer } from './spawn.js';

describe('spawning a local server', () => {
  it('fails with GALAPAGOS_ERR_SPAWN_FAILED, exit 1, when no entry is known', async () => {
    const error = await ensureLocalServer('http://127.0.0.1:1', true, [], undefined).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SpawnError);
    expect(error).not.toBeInstanceOf(EvaluationError);
    expect(error).toMatchObject({ code: 'GALAPAGOS_ERR_SPAWN_FAILED', exitCode: 1 });
  });

  it('names the exit code and the output of a server that dies at start', async () => {
    const entry = join(mkdtempSync(join(tmpdir(), 'galapagos-spawn-')), 'dies.mjs');
    writeFileSync(entry, "console.error('port taken'); process.exit(3);\n");
    await expect(startServer({ entry })).rejects.toMatchObject({
      code: 'GALAPAGOS_ERR_SPAWN_FAILED',
      message: expect.stringMatching(/did not become healthy \(exit code 3\): port taken/),
    });
  });
});
