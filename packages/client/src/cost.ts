/**
 * What a run's evaluations cost, per target: measured from what each target reports (Lambda's
 * billed duration and memory size from each invoke's log tail; the worker-thread time servers,
 * fleet workers and the embedded pool report with every reply) and priced with documented
 * constants that a target's `pricing` overrides.
 */
import Type, { type Static } from 'typebox';
import type { Evaluator } from './evaluators/types.js';

/**
 * AWS Lambda's on-demand prices (US East, and most regions; the first tier), in USD: per
 * GB-second of billed duration × memory, by architecture, and per request.
 */
export const LAMBDA_PRICES = {
  usdPerGbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 },
  usdPerRequest: 0.0000002,
} as const;

/** Memory assumed for a Lambda function whose invokes do not report it (emulators). */
export const DEFAULT_LAMBDA_MEMORY_MB = 1024;

export const WorkerPricingSchema = Type.Object(
  {
    usdPerWorkerHour: Type.Number({
      minimum: 0,
      description:
        'Price of one worker thread for an hour (a machine’s hourly price ÷ its threads); default 0: your own machine.',
    }),
  },
  { additionalProperties: false, description: 'How this target’s worker time is priced.' },
);

export const LambdaPricingSchema = Type.Object(
  {
    usdPerGbSecond: Type.Optional(Type.Number({ minimum: 0 })),
    usdPerRequest: Type.Optional(Type.Number({ minimum: 0 })),
    architecture: Type.Optional(Type.Union([Type.Literal('x86_64'), Type.Literal('arm64')])),
    memoryMb: Type.Optional(
      Type.Integer({
        minimum: 128,
        maximum: 10_240,
        description: `Memory size when the invoke does not report it (emulators); default ${DEFAULT_LAMBDA_MEMORY_MB}.`,
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Overrides of the Lambda prices (default: US East on-demand, x86_64) for your region or contract.',
  },
);
export type WorkerPricing = Static<typeof WorkerPricingSchema>;
export type LambdaPricing = Static<typeof LambdaPricingSchema>;

/** What one target's evaluations cost so far. */
export interface TargetUsage {
  /** Requests answered (batches, invokes, jobs). */
  readonly requests: number;
  /** Billed compute: Lambda's billed duration, or worker-thread time, in seconds. */
  readonly computeSeconds: number;
  /** Lambda: billed duration × memory. */
  readonly gbSeconds?: number;
  readonly usd: number;
  /** Where the figures come from. */
  readonly basis: string;
  /** A group's members, each priced its own way. */
  readonly members?: Readonly<Record<string, TargetUsage>>;
}

/** Lambda's usage from summed billed milliseconds and GB-seconds. */
export function lambdaUsage(
  requests: number,
  billedMs: number,
  gbSeconds: number,
  pricing: LambdaPricing | undefined,
  reported: boolean,
): TargetUsage {
  const perGbSecond =
    pricing?.usdPerGbSecond ?? LAMBDA_PRICES.usdPerGbSecond[pricing?.architecture ?? 'x86_64'];
  const perRequest = pricing?.usdPerRequest ?? LAMBDA_PRICES.usdPerRequest;
  return {
    requests,
    computeSeconds: billedMs / 1000,
    gbSeconds,
    usd: gbSeconds * perGbSecond + requests * perRequest,
    basis: reported
      ? 'billed duration and memory size reported by each invoke'
      : `round-trip time × ${pricing?.memoryMb ?? DEFAULT_LAMBDA_MEMORY_MB} MB (the function reported no billed duration)`,
  };
}

/**
 * An evaluator that counts its answered requests and prices its worker-thread time (servers,
 * fleet workers and the embedded pool report it with every reply).
 */
export function withWorkerUsage(
  evaluator: Evaluator,
  pricing: WorkerPricing | undefined,
): Evaluator {
  let requests = 0;
  const perHour = pricing?.usdPerWorkerHour ?? 0;
  const evaluate: Evaluator['evaluate'] = async (request, options) => {
    const fitness = await evaluator.evaluate(request, options);
    requests++;
    return fitness;
  };
  const usage = (): TargetUsage => {
    const seconds = (evaluator.busyMs?.() ?? 0) / 1000;
    return {
      requests,
      computeSeconds: seconds,
      usd: (seconds / 3600) * perHour,
      basis:
        perHour === 0
          ? 'worker-thread time reported by the target, unpriced (pricing.usdPerWorkerHour: 0)'
          : `worker-thread time reported by the target at $${perHour} per worker-hour`,
    };
  };
  // Everything else (getters included: a fleet's capacity follows its workers) is the target's.
  return new Proxy(evaluator, {
    get: (target, key) =>
      key === 'evaluate' ? evaluate : key === 'usage' ? usage : Reflect.get(target, key),
  });
}

/** A group's usage: its members' summed, each kept. */
export function groupUsage(
  members: readonly { name: string; evaluator: Evaluator }[],
): TargetUsage {
  const each = Object.fromEntries(
    members.flatMap((m) => {
      const usage = m.evaluator.usage?.();
      return usage ? [[m.name, usage]] : [];
    }),
  ) as Record<string, TargetUsage>;
  const all = Object.values(each);
  return {
    requests: all.reduce((s, u) => s + u.requests, 0),
    computeSeconds: all.reduce((s, u) => s + u.computeSeconds, 0),
    usd: all.reduce((s, u) => s + u.usd, 0),
    basis: 'the sum of its members',
    members: each,
  };
}
