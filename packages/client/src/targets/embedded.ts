/** `{ "type": "embedded" }`: evaluate in this process on a worker-thread pool. */
import { availableParallelism } from 'node:os';
import Type from 'typebox';
import { WorkerPricingSchema, withWorkerUsage } from '../cost.js';
import { createEmbeddedEvaluator } from '../evaluators/embedded.js';
import { defineTargetKind } from './types.js';

export const EmbeddedTargetSchema = Type.Object(
  {
    type: Type.Literal('embedded'),
    workers: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1024,
        description: 'Worker threads; default: one per core.',
      }),
    ),
    pricing: Type.Optional(WorkerPricingSchema),
    description: Type.Optional(Type.String()),
  },
  {
    additionalProperties: false,
    description: 'Evaluate in this process on a worker-thread pool: no server, no network.',
  },
);

export const embedded = defineTargetKind({
  type: 'embedded',
  schema: EmbeddedTargetSchema,
  async open(target, { problemModules }) {
    const evaluator = await createEmbeddedEvaluator({
      ...(target.workers === undefined ? {} : { workers: target.workers }),
      problemModules,
    });
    return {
      evaluator: withWorkerUsage(evaluator, target.pricing),
      servers: [],
      where: 'in-process worker pool',
      close: () => evaluator.close(),
    };
  },
  async probe(target) {
    return [
      {
        where: 'in-process',
        status: 'ok',
        usable: true,
        workers: target.workers ?? availableParallelism(),
      },
    ];
  },
});
