/** `galapagos status [ID]`: a server's runs, or one run with its logbook so far. */

import type { RunSummary } from '@galapagos/server';
import { fail } from '../fail.js';
import { logbookHeader, logbookLine } from '../output.js';
import { getRun, listRuns } from '../remote/api.js';
import { type RemoteFlags, serverFor } from './remote.js';

const fitness = (f: RunSummary['best']) => (f === undefined ? '-' : JSON.stringify(f));
const line = (r: RunSummary) =>
  [
    r.id.padEnd(22),
    r.status.padEnd(10),
    r.problem.padEnd(16),
    r.target.padEnd(10),
    `${Math.max(r.generation, 0)}/${r.generations}`.padStart(9),
    fitness(r.best).padStart(12),
    `  ${r.error ? `${r.error.code}: ${r.error.message}` : r.updatedAt}`,
  ].join(' ');

export async function statusCommand(id: string | undefined, flags: RemoteFlags): Promise<number> {
  const json = Boolean(flags.json);
  try {
    const server = await serverFor(flags);
    if (id === undefined) {
      const runs = await listRuns(server);
      if (json) process.stdout.write(`${JSON.stringify({ ok: true, runs })}\n`);
      else {
        process.stdout.write(
          `${['run'.padEnd(22), 'status'.padEnd(10), 'problem'.padEnd(16), 'target'.padEnd(10), 'gen'.padStart(9), 'best'.padStart(12), '  updated'].join(' ')}\n`,
        );
        for (const r of runs) process.stdout.write(`${line(r)}\n`);
      }
      return 0;
    }
    const run = await getRun(server, id);
    if (json) process.stdout.write(`${JSON.stringify({ ok: true, ...run })}\n`);
    else {
      process.stdout.write(`${line(run)}\n${logbookHeader(run.objectives !== undefined)}\n`);
      for (const entry of run.logbook) process.stdout.write(`${logbookLine(entry)}\n`);
    }
    return 0;
  } catch (error) {
    return fail(error, json);
  }
}
