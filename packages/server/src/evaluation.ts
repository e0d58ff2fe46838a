import type { EvaluateRequest, EvaluateResponse } from '@galapagos/core';
import { isGalapagosError } from '@galapagos/core';
import { type EvaluationPool, maxGenomeCostMs, meanGenomeCostMs } from '@galapagos/core/runtime';
import { ServerError } from './errors.js';
import type { Metrics } from './metrics.js';
import type { ServerOptions } from './options.js';

/**
 * Evaluates one request on the pool under the server's limits: genome count, cost caps and
 * the deadline. The one code path behind `POST /v1/evaluate`, `GET /one_max_fitness/:bits`
 * and direct invokes.
 * @param cancelled aborts when the caller has gone away; the work is then abandoned.
 */
export async function evaluateRequest(
  pool: EvaluationPool,
  options: ServerOptions,
  metrics: Metrics,
  request: EvaluateRequest,
  cancelled?: AbortSignal,
): Promise<EvaluateResponse> {
  const { genomes, cost } = request;
  if (genomes.length > options.maxGenomes)
    throw new ServerError(
      'GALAPAGOS_ERR_TOO_MANY_GENOMES',
      `${genomes.length} genomes in one request; the limit is ${options.maxGenomes}`,
    );
  // With uneven costs (sigma) the costliest genome and the mean decide.
  const perGenome = cost ? maxGenomeCostMs(cost) : 0;
  const total = cost ? meanGenomeCostMs(cost) * genomes.length : 0;
  if (cost && perGenome > options.maxCostMs)
    throw new ServerError(
      'GALAPAGOS_ERR_COST_TOO_HIGH',
      `${cost.sigma ? `cost.ms × e^(3·sigma) = ${Math.round(perGenome)}` : `cost.ms ${cost.ms}`} exceeds this server's cap of ${options.maxCostMs} ms per genome`,
    );
  if (cost && total > options.maxCostTotalMs)
    throw new ServerError(
      'GALAPAGOS_ERR_COST_TOO_HIGH',
      `${cost.sigma ? 'mean cost' : 'cost.ms'} × genomes = ${Math.round(total)} ms exceeds this server's cap of ${options.maxCostTotalMs} ms per request`,
    );

  // One controller per request, aborted by the deadline or by the caller leaving.
  const abandon = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abandon.abort(new ServerError('GALAPAGOS_ERR_TIMEOUT', 'deadline'));
  }, options.timeoutMs);
  const onCancelled = () => abandon.abort(cancelled?.reason);
  if (cancelled?.aborted) onCancelled();
  else cancelled?.addEventListener('abort', onCancelled, { once: true });
  const started = performance.now();
  try {
    let busyMs = 0;
    const evaluated = {
      signal: abandon.signal,
      onBusyMs: (ms: number) => {
        busyMs = ms;
      },
    };
    // A partial request gets each genome's outcome; any other fails with its first failure.
    const { fitness, failures } = request.partial
      ? await pool.evaluateEach(request, evaluated)
      : { fitness: await pool.evaluate(request, evaluated), failures: [] };
    const elapsedMs = performance.now() - started;
    metrics.evaluations.inc({ problem: request.problem }, fitness.length);
    metrics.latency.observe({ problem: request.problem }, elapsedMs / 1000);
    return {
      fitness: fitness as EvaluateResponse['fitness'],
      ...(failures.length > 0 ? { failures } : {}),
      problem: request.problem,
      count: fitness.length,
      elapsedMs,
      busyMs,
    };
  } catch (error) {
    if (timedOut && isGalapagosError(error, 'GALAPAGOS_ERR_ABORTED'))
      throw new ServerError(
        'GALAPAGOS_ERR_TIMEOUT',
        `evaluation exceeded the ${options.timeoutMs} ms deadline and was abandoned (${error.message.replace(/^evaluation of /, '')})`,
      );
    throw error;
  } finally {
    clearTimeout(timer);
    cancelled?.removeEventListener('abort', onCancelled);
  }
}
