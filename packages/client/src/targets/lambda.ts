/**
 * `{ "type": "lambda" }`: direct invokes of a Lambda function. The AWS SDK is loaded only when
 * such a target is opened or probed.
 */

import Type, { type Static } from 'typebox';
import { LambdaPricingSchema } from '../cost.js';
import type { Evaluator } from '../evaluators/types.js';
import { defineTargetKind, urlIssues } from './types.js';

export const LambdaTargetSchema = Type.Object(
  {
    type: Type.Literal('lambda'),
    function: Type.String({
      minLength: 1,
      description: 'Function name or ARN (printed by pnpm deploy:lambda).',
    }),
    qualifier: Type.Optional(Type.String({ description: 'Version or alias.' })),
    region: Type.Optional(
      Type.String({
        pattern: '^[a-z]{2}(-[a-z]+)+-\\d$',
        description: 'AWS region; default: the AWS configuration.',
      }),
    ),
    endpoint: Type.Optional(
      Type.String({
        pattern: '^https?://',
        description: 'Another Invoke API (emulators such as serverless-offline).',
      }),
    ),
    maxBatchBytes: Type.Optional(
      Type.Integer({
        minimum: 1024,
        maximum: 6 * 1024 * 1024,
        description: 'Largest invoke payload; default 5.5 MiB (the synchronous limit is 6 MB).',
      }),
    ),
    pricing: Type.Optional(LambdaPricingSchema),
    description: Type.Optional(Type.String()),
  },
  {
    additionalProperties: false,
    description: 'Direct invokes of a Lambda function; credentials from the standard AWS chain.',
  },
);

async function evaluatorFor(target: Static<typeof LambdaTargetSchema>): Promise<Evaluator> {
  const { createLambdaEvaluator } = await import('../evaluators/lambda.js');
  return createLambdaEvaluator({
    functionName: target.function,
    ...(target.qualifier ? { qualifier: target.qualifier } : {}),
    ...(target.region ? { region: target.region } : {}),
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.maxBatchBytes ? { maxBatchBytes: target.maxBatchBytes } : {}),
    ...(target.pricing ? { pricing: target.pricing } : {}),
  });
}

export const lambda = defineTargetKind({
  type: 'lambda',
  schema: LambdaTargetSchema,
  check: (target, at) => urlIssues(target, at, ['endpoint']),
  async open(target) {
    const evaluator = await evaluatorFor(target);
    const where = `lambda ${target.function}${target.endpoint ? ` via ${target.endpoint}` : ''}`;
    return { evaluator, servers: [], where, close: () => evaluator.close() };
  },
  async probe(target) {
    const evaluator = await evaluatorFor(target);
    try {
      return (await evaluator.health()).map((h) => ({
        where: h.where,
        status: h.ok ? 'ok' : `unreachable: ${h.error ?? 'no warm-up reply'}`,
        usable: h.ok,
        ...(h.latencyMs === undefined ? {} : { latencyMs: h.latencyMs }),
      }));
    } finally {
      await evaluator.close();
    }
  },
});
