/**
 * Admission of evaluations before their bodies are read: the request bytes in flight are
 * capped, and a full pool refuses at once, so a burst holds in memory only what can be worked
 * on. A refused body streams past unparsed, so the client reads the 503.
 */
import { finished } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { GalapagosError } from '@galapagos/core';
import type { PoolStats } from '@galapagos/core/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import plugin from 'fastify-plugin';
import type { ServerOptions } from '../options.js';
import './route-policy.js';

/** Longest a refused request's body is let through before the refusal is sent anyway. */
const DISCARD_WAIT_MS = 1000;

/**
 * Lets a refused request's body stream past without keeping it (no buffering, no parsing), so
 * that the client, still sending, reads the refusal instead of a broken pipe; the connection
 * then closes.
 */
async function discardBody(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.header('connection', 'close');
  const raw = request.raw;
  if (raw.complete || raw.destroyed) return;
  raw.resume();
  // A sender that never finishes gets its refusal after a second anyway.
  const patience = new AbortController();
  await Promise.race([
    finished(raw).catch(() => {}),
    sleep(DISCARD_WAIT_MS, undefined, { signal: patience.signal }).catch(() => {}),
  ]);
  patience.abort();
}

/**
 * The pool-side admission rule every evaluation of the server passes (HTTP and the runs it
 * hosts): every thread busy and the queue at its limit is an overload, answered at once.
 */
export function poolFull(stats: PoolStats | undefined): GalapagosError | undefined {
  if (stats && stats.busy === stats.threads && stats.queued >= stats.maxQueue)
    return new GalapagosError(
      'GALAPAGOS_ERR_OVERLOADED',
      `evaluation queue is full (${stats.queued} chunks waiting, limit ${stats.maxQueue})`,
    );
  return undefined;
}

/** The admission state of one app. */
export interface Admission {
  /** Admits an evaluate request or throws `GALAPAGOS_ERR_OVERLOADED` (after its body passed). */
  admit(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Gives back what an answered (or abandoned) request held; idempotent. */
  release(request: FastifyRequest): void;
}

export function createAdmission(
  options: Pick<ServerOptions, 'bodyLimit' | 'maxBytesInFlight'>,
  poolStats: () => PoolStats | undefined,
): Admission {
  /** Bytes of evaluate bodies admitted and not answered yet, and each request's share. */
  let bytesInFlight = 0;
  const held = new WeakMap<FastifyRequest, number>();
  return {
    async admit(request, reply) {
      // A body of unknown length counts as the largest allowed; one is always admitted.
      const declared = Number(request.headers['content-length']);
      const bytes = Number.isFinite(declared) && declared >= 0 ? declared : options.bodyLimit;
      if (bytesInFlight > 0 && bytesInFlight + bytes > options.maxBytesInFlight) {
        await discardBody(request, reply);
        throw new GalapagosError(
          'GALAPAGOS_ERR_OVERLOADED',
          `too many request bytes in flight (${bytesInFlight} + ${bytes}, limit ${options.maxBytesInFlight})`,
        );
      }
      bytesInFlight += bytes;
      held.set(request, bytes);
      const full = poolFull(poolStats());
      if (full) {
        await discardBody(request, reply);
        throw full;
      }
    },
    release(request) {
      const bytes = held.get(request);
      if (bytes === undefined) return;
      held.delete(request);
      bytesInFlight -= bytes;
    },
  };
}

/**
 * The admission check on routes whose `config` says `admission: 'evaluate'` (`POST /v1/evaluate`),
 * released when the request ends either way.
 */
export const admissionPlugin = plugin(
  async (app) => {
    const admission = createAdmission(app.settings, () => app.pool.stats());
    app.addHook('onRequest', async (request, reply) => {
      if (request.routeOptions.config?.admission === 'evaluate')
        await admission.admit(request, reply);
    });
    app.addHook('onRequestAbort', async (request) => admission.release(request));
    app.addHook('onResponse', async (request) => admission.release(request));
  },
  { name: 'galapagos-admission', dependencies: ['galapagos-pool'] },
);
