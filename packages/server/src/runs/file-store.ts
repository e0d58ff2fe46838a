/**
 * Runs as JSON files in a folder: `ID.json` (the record) and `ID.summary.json` (what listing
 * shows), each replaced atomically (write, then rename).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RunRecord, RunSummary } from './record.js';
import { byCreation, RUN_ID_PATTERN, type RunStore } from './store.js';

export async function createFileStore(folder: string): Promise<RunStore> {
  const dir = resolve(folder);
  await mkdir(dir, { recursive: true });
  const file = (id: string, kind = '') => join(dir, `${id}${kind}.json`);
  const readJson = async (path: string): Promise<unknown> => {
    try {
      return JSON.parse(await readFile(path, 'utf8'));
    } catch {
      // Missing, or not JSON (edited by hand, truncated by a full disk): not a run.
      return undefined;
    }
  };
  const write = async (path: string, value: unknown) => {
    const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temp, JSON.stringify(value));
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  };
  return {
    where: dir,
    async save(record, summary) {
      await write(file(record.id), record);
      await write(file(record.id, '.summary'), summary);
    },
    async load(id) {
      if (!RUN_ID_PATTERN.test(id)) return undefined;
      const record = (await readJson(file(id))) as RunRecord | undefined;
      return record?.format === 'galapagos/run' ? record : undefined;
    },
    async summaries() {
      const ids = (await readdir(dir))
        .map((name) => /^([a-z0-9]+)\.summary\.json$/.exec(name)?.[1])
        .filter((id): id is string => id !== undefined && RUN_ID_PATTERN.test(id));
      const found = await Promise.all(ids.map((id) => readJson(file(id, '.summary'))));
      return (found as (RunSummary | undefined)[])
        .filter((s): s is RunSummary => typeof s?.id === 'string' && typeof s.status === 'string')
        .sort(byCreation);
    },
    close: async () => {},
  };
}
