/**
 * `galapagos watch ID`: a server run's logbook, live: the generations so far, then each as it
 * ends, until the run ends (exit 0 if it succeeded, 1 if it failed or was cancelled). A
 * dropped connection is resumed where it stopped.
 */

import { InterruptError, RunApiError } from '@galapagos/client';
import { reportView } from '@galapagos/server/report';
import { fail } from '../fail.js';
import { logbookHeader, logbookLine, showGenome } from '../output.js';
import { getRun } from '../remote/api.js';
import { followRun } from '../remote/follow.js';
import type { RunServer } from '../remote/server.js';
import { type RemoteFlags, serverFor } from './remote.js';
import { writeReports } from './report.js';

export interface WatchFlags extends RemoteFlags {
  readonly report?: string;
  readonly svg?: string;
}

export async function watchCommand(
  id: string,
  flags: WatchFlags,
  known?: RunServer,
): Promise<number> {
  const json = Boolean(flags.json);
  const controller = new AbortController();
  const interrupt = (signal: NodeJS.Signals) => controller.abort(new InterruptError(signal));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const server = known ?? (await serverFor(flags));
    const first = await getRun(server, id);
    if (!json) {
      process.stdout.write(
        `run ${id} on ${server.url}: ${first.problem} on ${first.target}, seed ${first.seed}${first.fingerprint ? ` (${first.fingerprint})` : ''}\n${logbookHeader(first.objectives !== undefined)}\n`,
      );
    }
    const end = await followRun(
      server,
      id,
      {
        onGeneration: ({ entry }) => {
          if (!json) process.stdout.write(`${logbookLine(entry)}\n`);
        },
        onReconnecting: () =>
          process.stderr.write(`galapagos: connection to ${server.url} lost; reconnecting\n`),
      },
      controller.signal,
    );
    const detail = await getRun(server, id);
    if (json)
      process.stdout.write(`${JSON.stringify({ ok: end.status === 'succeeded', ...detail })}\n`);
    else {
      if (detail.bestIndividual)
        process.stdout.write(
          `best: ${showGenome(detail.bestIndividual.genome as never)}  fitness ${JSON.stringify(detail.bestIndividual.fitness)}\n`,
        );
      process.stdout.write(
        `run ${id} ${end.status}${end.error ? `: ${end.error.code}: ${end.error.message}` : ''}\n`,
      );
    }
    if (flags.report || flags.svg) {
      const view = reportView(detail, `run ${id}`);
      if (!('error' in view)) await writeReports(view, flags, json);
    }
    if (end.status === 'succeeded') return 0;
    if (end.error)
      throw new RunApiError(
        end.error.code as never,
        `run ${id} ${end.status}: ${end.error.message}`,
      );
    throw new RunApiError('GALAPAGOS_ERR_ABORTED', `run ${id} was ${end.status}`);
  } catch (error) {
    return fail(error, json);
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}
