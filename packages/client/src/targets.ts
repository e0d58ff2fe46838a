import { resolveHeaders } from './config/load.js';
import type { Target } from './config/schema.js';
import { createEmbeddedEvaluator } from './evaluators/embedded.js';
import { createHttpEvaluator } from './evaluators/http.js';
import { createLambdaEvaluator } from './evaluators/lambda.js';
import type { Evaluator } from './evaluators/types.js';
import { ensureLocalServer, type LocalServer } from './spawn.js';

/** Largest HTTP request body the client sends by default. */
const DEFAULT_MAX_BATCH_BYTES = 6 * 1024 * 1024;

/** An evaluator for a configured target, and what to stop when the run ends. */
export interface OpenTarget {
  readonly evaluator: Evaluator;
  /** Servers this run started (spawned local servers), to stop at the end. */
  readonly servers: readonly LocalServer[];
  /** Where batches go, for the summary. */
  readonly where: string;
  close(): Promise<void>;
}

/**
 * Opens a target: starts the embedded pool, or connects to the HTTP servers (starting a local
 * one first when the target says `spawn` and nothing answers).
 */
export async function openTarget(
  name: string,
  target: Target,
  options: {
    connections: number;
    env?: Readonly<Record<string, string | undefined>>;
    /** The run's problem modules (absolute paths): loaded in-process or by a spawned server. */
    problemModules?: readonly string[];
  },
): Promise<OpenTarget> {
  const problemModules = options.problemModules ?? [];
  if (target.type === 'embedded') {
    const evaluator = await createEmbeddedEvaluator({
      ...(target.workers === undefined ? {} : { workers: target.workers }),
      problemModules,
    });
    return {
      evaluator,
      servers: [],
      where: 'in-process worker pool',
      close: () => evaluator.close(),
    };
  }
  if (target.type === 'lambda') {
    const evaluator = await createLambdaEvaluator({
      functionName: target.function,
      ...(target.qualifier ? { qualifier: target.qualifier } : {}),
      ...(target.region ? { region: target.region } : {}),
      ...(target.endpoint ? { endpoint: target.endpoint } : {}),
      ...(target.maxBatchBytes ? { maxBatchBytes: target.maxBatchBytes } : {}),
    });
    const where = `lambda ${target.function}${target.endpoint ? ` via ${target.endpoint}` : ''}`;
    return { evaluator, servers: [], where, close: () => evaluator.close() };
  }
  const headers = resolveHeaders(name, target.headers, options.env ?? process.env);
  const servers: LocalServer[] = [];
  let urls = target.urls ?? [target.url!];
  if (target.spawn) {
    const local = await ensureLocalServer(urls[0]!, target.spawn, problemModules);
    servers.push(local);
    urls = [local.url, ...urls.slice(1)];
  }
  // The servers' worker threads, for auto batching; unknown if any server is not up yet.
  const probe = createHttpEvaluator({ urls, headers, connections: 1 });
  const health = await probe.health();
  await probe.close();
  const capacity = health.every((h) => h.ok && h.workers)
    ? health.reduce((sum, h) => sum + (h.workers ?? 0), 0)
    : undefined;
  // Batches fit the strictest server's advertised limits (with room for the envelope).
  const strictest = (pick: (l: NonNullable<(typeof health)[number]['limits']>) => number) => {
    const values = health.flatMap((h) => (h.limits ? [pick(h.limits)] : []));
    return values.length > 0 ? Math.min(...values) : undefined;
  };
  const bodyLimit = strictest((l) => l.bodyLimit);
  const maxBatchGenomes = strictest((l) => l.maxGenomes);
  const maxCostTotalMs = strictest((l) => l.maxCostTotalMs);
  const maxBatchBytes = Math.min(
    target.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES,
    bodyLimit === undefined ? Number.POSITIVE_INFINITY : Math.max(1024, bodyLimit - 4096),
  );
  const evaluator = createHttpEvaluator({
    urls,
    headers,
    connections: options.connections,
    maxBatchBytes,
    ...(capacity ? { capacity } : {}),
    ...(maxBatchGenomes ? { maxBatchGenomes } : {}),
    ...(maxCostTotalMs !== undefined ? { maxCostTotalMs } : {}),
  });
  return {
    evaluator,
    servers,
    where: urls.join(', '),
    close: async () => {
      await evaluator.close();
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}
