/**
 * An AWS Lambda function simulated in process, for driving the real dispatcher at a scale no
 * emulator reaches here: a concurrency limit (beyond it, 429 TooManyRequestsException with a
 * retry-after, as the Invoke API answers), environments that start cold once (a cold-start
 * delay) and are then reused, and a lognormal invoke latency drawn from a seeded generator.
 * The fitness itself is OneMax, computed in place (microseconds): what is measured is
 * everything around it.
 */
import { EvaluationError, type Evaluator } from '@galapagos/client';
import type { EvaluateRequest } from '@galapagos/core';

export interface SimulatedLambdaOptions {
  /** Concurrent executions allowed (the account's or the function's reserved concurrency). */
  readonly concurrency: number;
  readonly coldStartMs: number;
  /** Median invoke latency of a warm environment, ms. */
  readonly latencyMs: number;
  /** Spread of the latency (lognormal sigma). */
  readonly sigma: number;
  /** What a throttled invoke is told to wait, s. */
  readonly retryAfterSeconds: number;
  readonly seed: number;
}

export interface SimulatedLambda extends Evaluator {
  readonly stats: {
    invokes: number;
    throttled: number;
    coldStarts: number;
    peakInFlight: number;
  };
}

export function simulatedLambda(options: SimulatedLambdaOptions): SimulatedLambda {
  // mulberry32: a small seeded generator, so the latencies repeat run to run.
  let seed = options.seed >>> 0;
  const random = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  let inFlight = 0;
  let warm = 0;
  const stats = { invokes: 0, throttled: 0, coldStarts: 0, peakInFlight: 0 };
  return {
    stats,
    maxBatchBytes: 6 * 1024 * 1024,
    maxBatchGenomes: 100_000,
    remote: true,
    async evaluate(request: EvaluateRequest) {
      stats.invokes++;
      if (inFlight >= options.concurrency) {
        stats.throttled++;
        throw new EvaluationError('GALAPAGOS_ERR_THROTTLED', 'Rate Exceeded.', {
          status: 429,
          retryable: true,
          retryAfterMs: options.retryAfterSeconds * 1000,
        });
      }
      inFlight++;
      stats.peakInFlight = Math.max(stats.peakInFlight, inFlight);
      const cold = warm < inFlight;
      if (cold) {
        warm++;
        stats.coldStarts++;
      }
      const latency = options.latencyMs * Math.exp(options.sigma * normal());
      await new Promise((r) => setTimeout(r, latency + (cold ? options.coldStartMs : 0)));
      inFlight--;
      return request.genomes.map((g) => {
        let ones = 0;
        for (const c of g as string) if (c === '1') ones++;
        return ones;
      });
    },
    health: async () => [{ where: 'simulated', ok: true }],
    problems: async () => [{ where: 'simulated', problems: [] }],
    close: async () => {},
  };
}
