/**
 * `{ "type": "http" }`: one or more Galápagos servers (local, container replicas, a Lambda HTTP
 * API, Azure Functions), optionally a local server this run starts.
 */

import Type, { type Static } from 'typebox';
import { HeadersSchema, literalHeaderIssues, resolveHeaders } from '../config/headers.js';
import { WorkerPricingSchema, withWorkerUsage } from '../cost.js';
import { ConfigError, EvaluationError } from '../errors.js';
import { createHttpEvaluator } from '../evaluators/http.js';
import type { TargetHealth } from '../evaluators/types.js';
import { ensureLocalServer, type LocalServer } from '../spawn.js';
import {
  defineTargetKind,
  type TargetProbe,
  ThreadsField,
  threadsIssues,
  urlIssues,
} from './types.js';

/** Largest HTTP request body the client sends by default. */
const DEFAULT_MAX_BATCH_BYTES = 6 * 1024 * 1024;

export const SpawnSchema = Type.Object(
  {
    threads: ThreadsField('Threads of the spawned server (its GALAPAGOS_THREADS).'),
    workers: ThreadsField('Old name of threads (deprecated).'),
    env: Type.Optional(
      Type.Record(Type.String({ pattern: '^GALAPAGOS_[A-Z_]+$' }), Type.String(), {
        description: 'Extra GALAPAGOS_* settings for the spawned server.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const HttpTargetSchema = Type.Object(
  {
    type: Type.Literal('http'),
    url: Type.Optional(
      Type.String({ pattern: '^https?://', description: 'Base URL of one server.' }),
    ),
    urls: Type.Optional(
      Type.Array(Type.String({ pattern: '^https?://' }), {
        minItems: 1,
        description: 'Base URLs of several servers or replicas; batches go to the least busy.',
      }),
    ),
    headers: Type.Optional(HeadersSchema),
    spawn: Type.Optional(
      Type.Union([Type.Boolean(), SpawnSchema], {
        description:
          "Start a local server when nothing answers at url: on url's port when it is free, else on a free one.",
      }),
    ),
    maxBatchBytes: Type.Optional(
      Type.Integer({
        minimum: 1024,
        description: 'Largest request body; batches are split to stay under it. Default 6 MiB.',
      }),
    ),
    pricing: Type.Optional(WorkerPricingSchema),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false, description: 'One or more Galápagos servers over HTTP.' },
);

type HttpTarget = Static<typeof HttpTargetSchema>;
const urlsOf = (target: HttpTarget): string[] => target.urls ?? [target.url!];

/** The batch limits of a set of servers: the strictest each advertises (`/health`). */
function limitsOf(health: readonly TargetHealth[], target: HttpTarget) {
  const strictest = (pick: (l: NonNullable<TargetHealth['limits']>) => number) => {
    const values = health.flatMap((h) => (h.limits ? [pick(h.limits)] : []));
    return values.length > 0 ? Math.min(...values) : undefined;
  };
  const bodyLimit = strictest((l) => l.bodyLimit);
  const maxBatchGenomes = strictest((l) => l.maxGenomes);
  const maxCostTotalMs = strictest((l) => l.maxCostTotalMs);
  // The servers' worker threads, for auto batching; unknown if any server is not up yet.
  const capacity = health.every((h) => h.ok && h.workers)
    ? health.reduce((sum, h) => sum + (h.workers ?? 0), 0)
    : undefined;
  return {
    // With room for the envelope.
    maxBatchBytes: Math.min(
      target.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES,
      bodyLimit === undefined ? Number.POSITIVE_INFINITY : Math.max(1024, bodyLimit - 4096),
    ),
    ...(capacity ? { capacity } : {}),
    ...(maxBatchGenomes ? { maxBatchGenomes } : {}),
    ...(maxCostTotalMs !== undefined ? { maxCostTotalMs } : {}),
  };
}

/**
 * One server's row: its health, then an authenticated request (`GET /v1/problems`), since
 * `/health` needs no key and a wrong or missing one would only show in the run.
 */
async function probeServer(url: string, headers: Record<string, string>): Promise<TargetProbe> {
  const evaluator = createHttpEvaluator({ urls: [url], headers, connections: 1 });
  try {
    const [h] = await evaluator.health();
    const seen = {
      ...(h!.version ? { version: h!.version } : {}),
      ...(h!.workers ? { workers: h!.workers } : {}),
      ...(h!.latencyMs ? { latencyMs: h!.latencyMs } : {}),
    };
    if (!h!.ok) return { where: h!.where, status: `unreachable: ${h!.error}`, usable: false };
    try {
      await evaluator.problems(AbortSignal.timeout(10_000));
    } catch (error) {
      const code = error instanceof EvaluationError ? error.code : undefined;
      const status =
        code === 'GALAPAGOS_ERR_UNAUTHORIZED'
          ? `unauthorized: ${(error as Error).message} (check the target's headers and their variables)`
          : `refuses requests: ${code ?? ''} ${(error as Error).message}`.trim();
      return { where: h!.where, status, usable: false, ...seen };
    }
    return { where: h!.where, status: 'ok', usable: true, ...seen };
  } finally {
    await evaluator.close();
  }
}

export const http = defineTargetKind({
  type: 'http',
  schema: HttpTargetSchema,
  check(target, at) {
    const issues = [];
    if (target.url === undefined && target.urls === undefined)
      issues.push({ path: `${at}/url`, message: 'is required (or urls: a list of base URLs)' });
    if (target.url !== undefined && target.urls !== undefined)
      issues.push({ path: `${at}/urls`, message: 'cannot be given together with url' });
    return [
      ...issues,
      ...threadsIssues(
        typeof target.spawn === 'object' ? (target.spawn as Record<string, unknown>) : undefined,
        `${at}/spawn`,
      ),
      ...literalHeaderIssues(at, target.headers),
      ...urlIssues(target, at, ['url', 'urls']),
    ];
  },
  async open(target, { name, env, connections, problemModules, serverEntry }) {
    const headers = resolveHeaders(name, target.headers, env);
    const servers: LocalServer[] = [];
    let urls = urlsOf(target);
    if (target.spawn) {
      const local = await ensureLocalServer(urls[0]!, target.spawn, problemModules, serverEntry);
      servers.push(local);
      urls = [local.url, ...urls.slice(1)];
    }
    const probe = createHttpEvaluator({ urls, headers, connections: 1 });
    const health = await probe.health();
    await probe.close();
    const evaluator = createHttpEvaluator({
      urls,
      headers,
      connections,
      ...limitsOf(health, target),
    });
    return {
      evaluator: withWorkerUsage(evaluator, target.pricing),
      servers,
      where: urls.join(', '),
      close: async () => {
        await evaluator.close();
        await Promise.all(servers.map((s) => s.stop()));
      },
    };
  },
  async probe(target, { name, env }) {
    let headers: Record<string, string>;
    try {
      // The same settings a run uses: a header whose variable is unset is reported.
      headers = resolveHeaders(name, target.headers, env);
    } catch (error) {
      const reasons = error instanceof ConfigError ? error.issues.map((i) => i.message) : [];
      return [
        {
          where: urlsOf(target).join(', '),
          status: `not checked: ${reasons.join('; ') || (error as Error).message}`,
          usable: false,
        },
      ];
    }
    const rows = await Promise.all(urlsOf(target).map((url) => probeServer(url, headers)));
    // A server the run starts on demand need not be up yet.
    return rows.map((row) =>
      target.spawn && row.status.startsWith('unreachable')
        ? { where: row.where, status: 'not running (started on demand)', usable: true }
        : row,
    );
  },
});
