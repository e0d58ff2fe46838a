/**
 * Follows a run's events (`GET /v1/runs/{id}/events`) with the `eventsource` client, which
 * reconnects by itself with `Last-Event-ID`, so a server restarted mid-run loses no
 * generation and repeats none. Ends at the run's `end` event.
 */

import { RunApiError } from '@galapagos/client';
import type { GenerationEvent, RunSummary } from '@galapagos/server';
import { EventSource } from 'eventsource';
import type { RunServer } from './server.js';

export interface FollowHandlers {
  readonly onGeneration: (data: GenerationEvent['data']) => void;
  /** The connection dropped; the client is reconnecting. */
  readonly onReconnecting?: () => void;
}

export function followRun(
  server: RunServer,
  id: string,
  handlers: FollowHandlers,
  signal?: AbortSignal,
): Promise<RunSummary> {
  return new Promise((resolve, reject) => {
    const source = new EventSource(`${server.url}/v1/runs/${encodeURIComponent(id)}/events`, {
      fetch: (input, init) =>
        fetch(input, { ...init, headers: { ...init?.headers, ...server.headers } }),
    });
    let last = -1;
    // The client's reconnection timer does not hold the process open; following a run must.
    const alive = setInterval(() => {}, 60_000);
    const finish = (settle: () => void) => {
      clearInterval(alive);
      source.close();
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = () => finish(() => reject(signal!.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    source.addEventListener('generation', (event) => {
      const data = JSON.parse(event.data) as GenerationEvent['data'];
      // Never twice, never out of order, whatever a reconnection replays.
      if (data.entry.gen <= last) return;
      last = data.entry.gen;
      handlers.onGeneration(data);
    });
    source.addEventListener('end', (event) =>
      finish(() => resolve(JSON.parse(event.data) as RunSummary)),
    );
    source.addEventListener('error', (event) => {
      const status = (event as { code?: number }).code;
      if (source.readyState === EventSource.CLOSED)
        finish(() =>
          reject(
            new RunApiError(
              status === 401
                ? 'GALAPAGOS_ERR_UNAUTHORIZED'
                : status === 404
                  ? 'GALAPAGOS_ERR_RUN_NOT_FOUND'
                  : 'GALAPAGOS_ERR_HTTP',
              `the events of run ${id} at ${server.url} are not available${status ? ` (HTTP ${status})` : ''}: ${event.message ?? 'the stream closed'}`,
              { ...(status === undefined ? {} : { status }) },
            ),
          ),
        );
      else handlers.onReconnecting?.();
    });
  });
}
