/** Runs as JSON files in a folder, one per run, each replaced atomically (write, then rename). */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RunRecord } from './record.js';
import { RUN_ID_PATTERN, type RunStore } from './store.js';

export async function createFileStore(folder: string): Promise<RunStore> {
  const dir = resolve(folder);
  await mkdir(dir, { recursive: true });
  const file = (id: string) => join(dir, `${id}.json`);
  const read = async (path: string): Promise<RunRecord | undefined> => {
    try {
      const record = JSON.parse(await readFile(path, 'utf8')) as RunRecord;
      return record?.format === 'galapagos/run' ? record : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      // A file that is not a run (edited by hand, truncated by a full disk) is skipped.
      return undefined;
    }
  };
  return {
    where: dir,
    async save(record) {
      const temp = join(dir, `.${record.id}.${randomBytes(4).toString('hex')}.tmp`);
      try {
        await writeFile(temp, JSON.stringify(record));
        await rename(temp, file(record.id));
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
    load: (id) => (RUN_ID_PATTERN.test(id) ? read(file(id)) : Promise.resolve(undefined)),
    async list() {
      const names = (await readdir(dir)).filter(
        (n) => RUN_ID_PATTERN.test(n.replace(/\.json$/, '')) && n.endsWith('.json'),
      );
      const records = await Promise.all(names.map((n) => read(join(dir, n))));
      return records
        .filter((r): r is RunRecord => r !== undefined)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },
    close: async () => {},
  };
}
