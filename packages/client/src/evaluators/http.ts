import { type EvaluateRequest, type Health, MAX_GENOMES_PER_REQUEST } from '@galapagos/core';
import { Pool } from 'undici';
import { EvaluationError, errorFromReply } from '../errors.js';
import { busyMsOf, fitnessOf, problemsOf } from './reply.js';
import type { Evaluator, TargetHealth, TargetProblems } from './types.js';

export interface HttpEvaluatorOptions {
  /** Base URLs; a path (e.g. `/api`) is kept as a prefix. */
  readonly urls: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
  /** Keep-alive connections per URL. */
  readonly connections: number;
  readonly maxBatchBytes?: number;
  /** Worker threads of all the servers together, when known (see {@link Evaluator.capacity}). */
  readonly capacity?: number;
  /** Most genomes per request (default: the wire's 100,000). */
  readonly maxBatchGenomes?: number;
  /** Largest cost.ms × genomes per request, when the servers say. */
  readonly maxCostTotalMs?: number;
}

interface Server {
  readonly base: URL;
  readonly prefix: string;
  readonly pool: Pool;
  outstanding: number;
  /** Unreachable in a row; while `downUntil` is ahead, batches go to the others. */
  failures: number;
  downUntil: number;
}

/** The first cool-down of a server that could not be reached; it doubles up to the cap. */
const COOL_DOWN_MS = 500;
const MAX_COOL_DOWN_MS = 30_000;

/**
 * Evaluates over HTTP with an undici keep-alive pool per server. With several URLs each
 * batch goes to the server with the fewest requests outstanding (ties: in turn).
 */
export function createHttpEvaluator(options: HttpEvaluatorOptions): Evaluator {
  const servers: Server[] = options.urls.map((url) => {
    const base = new URL(url);
    return {
      base,
      prefix: base.pathname.replace(/\/+$/, ''),
      pool: new Pool(base.origin, {
        connections: options.connections,
        keepAliveTimeout: 30_000,
        headersTimeout: 0,
        bodyTimeout: 0,
      }),
      outstanding: 0,
      failures: 0,
      downUntil: 0,
    };
  });
  let turn = 0;
  /**
   * The server with the fewest requests outstanding among those not cooling down after
   * failing (a circuit breaker per URL: a dead replica has nothing outstanding, and would
   * otherwise attract every batch). When all are cooling down, the one due first is probed.
   */
  const pick = (): Server => {
    const now = performance.now();
    const up = servers.filter((s) => s.downUntil <= now);
    const candidates =
      up.length > 0 ? up : [servers.reduce((a, b) => (b.downUntil < a.downUntil ? b : a))];
    let best = candidates[turn % candidates.length]!;
    for (let i = 0; i < candidates.length; i++) {
      const s = candidates[(turn + i) % candidates.length]!;
      if (s.outstanding < best.outstanding) best = s;
    }
    turn++;
    return best;
  };
  const reached = (server: Server) => {
    server.failures = 0;
    server.downUntil = 0;
  };
  const unreachable = (server: Server) => {
    server.failures++;
    server.downUntil =
      performance.now() + Math.min(MAX_COOL_DOWN_MS, COOL_DOWN_MS * 2 ** (server.failures - 1));
  };
  const headers = { 'content-type': 'application/json', ...options.headers };

  const call = async (
    server: Server,
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    signal: AbortSignal,
  ) => {
    try {
      const response = await server.pool.request({
        path: server.prefix + path,
        method,
        headers,
        body,
        signal,
      });
      const text = await response.body.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.statusCode, headers: response.headers, json };
    } catch (error) {
      if (signal.aborted) throw signal.reason ?? error;
      // No HTTP reply at all (refused, reset, DNS, socket closed): the batch may not have
      // reached the server, so it is worth sending again.
      const code = (error as { code?: string }).code;
      throw new EvaluationError(
        'GALAPAGOS_ERR_UNREACHABLE',
        `${server.base.origin}: ${code ?? (error as Error).message}`,
        { retryable: true, cause: error },
      );
    }
  };

  let busyMs = 0;
  return {
    busyMs: () => busyMs,
    maxBatchBytes: options.maxBatchBytes ?? 6 * 1024 * 1024,
    capacity: options.capacity,
    servers: servers.length,
    // A duplicate of a straggler lands elsewhere only with another server to go to: on one
    // server it would wait behind, or repeat, the very work it duplicates.
    remote: servers.length > 1,
    maxBatchGenomes: Math.min(
      options.maxBatchGenomes ?? MAX_GENOMES_PER_REQUEST,
      MAX_GENOMES_PER_REQUEST,
    ),
    maxCostTotalMs: options.maxCostTotalMs,
    async evaluate(request: EvaluateRequest, { signal }) {
      const server = pick();
      server.outstanding++;
      try {
        const reply = await call(
          server,
          'POST',
          '/v1/evaluate',
          JSON.stringify(request),
          signal,
        ).catch((error: unknown) => {
          if (error instanceof EvaluationError && error.code === 'GALAPAGOS_ERR_UNREACHABLE')
            unreachable(server);
          throw error;
        });
        reached(server);
        if (reply.status !== 200)
          throw errorFromReply(reply.status, reply.json, reply.headers['retry-after']);
        const fitness = fitnessOf(reply.json, request.genomes.length);
        busyMs += busyMsOf(reply.json);
        return fitness;
      } finally {
        server.outstanding--;
      }
    },
    problems(signal): Promise<TargetProblems[]> {
      return Promise.all(
        servers.map(async (server) => {
          let reply: Awaited<ReturnType<typeof call>>;
          try {
            reply = await call(server, 'GET', '/v1/problems', undefined, signal);
          } catch (error) {
            if (!(error instanceof EvaluationError && error.code === 'GALAPAGOS_ERR_UNREACHABLE'))
              throw error;
            return { where: server.base.href, problems: undefined, error: error.message };
          }
          if (reply.status !== 200)
            throw errorFromReply(reply.status, reply.json, reply.headers['retry-after']);
          return { where: server.base.href, problems: problemsOf(reply.json, server.base.href) };
        }),
      );
    },
    retire(where) {
      const at = servers.findIndex((s) => s.base.href === where);
      if (at >= 0 && servers.length > 1) void servers.splice(at, 1)[0]!.pool.close();
    },
    async health(): Promise<TargetHealth[]> {
      return Promise.all(
        servers.map(async (server) => {
          const where = server.base.href;
          const started = performance.now();
          try {
            const reply = await call(
              server,
              'GET',
              '/health',
              undefined,
              AbortSignal.timeout(5000),
            );
            const latencyMs = performance.now() - started;
            const body = reply.json as Partial<Health> | undefined;
            if (reply.status !== 200)
              return { where, ok: false, latencyMs, error: `HTTP ${reply.status}` };
            return {
              where,
              ok: true,
              latencyMs,
              ...(body?.version ? { version: body.version } : {}),
              // Its threads (`workers` is their old name, what older servers send).
              ...((body?.threads ?? body?.workers)
                ? { workers: body.threads ?? body.workers }
                : {}),
              ...(body?.limits ? { limits: body.limits } : {}),
            };
          } catch (error) {
            return { where, ok: false, error: (error as Error).message };
          }
        }),
      );
    },
    async close() {
      await Promise.all(servers.map((s) => s.pool.close()));
    },
  };
}
