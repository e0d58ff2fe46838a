/** `{ "type": "embedded" }`: evaluate in this process on a worker-thread pool. */
import { availableParallelism } from 'node:os';
import Type from 'typebox';
import { WorkerPricingSchema, withWorkerUsage } from '../cost.js';
import { createEmbeddedEvaluator } from '../evaluators/embedded.js';
import { defineTargetKind, ThreadsField, threadsIssues, threadsOf } from './types.js';

export const EmbeddedTargetSchema = Type.Object(
  {
    type: Type.Literal('embedded'),
    threads: ThreadsField('Evaluation threads; default: one per core.'),
    workers: ThreadsField('Old name of threads (deprecated).'),
    threadMemoryMb: Type.Optional(
      Type.Integer({
        minimum: 16,
        maximum: 1_048_576,
        description:
          "Heap limit of each evaluation thread, MiB (default: Node's): a fitness that exhausts it fails that genome, the thread is replaced and the run goes on (the server's GALAPAGOS_THREAD_MEMORY_MB).",
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
  check: (target, at) => threadsIssues(target, at),
  async open(target, { problemModules }) {
    const threads = threadsOf(target);
    const evaluator = await createEmbeddedEvaluator({
      ...(threads === undefined ? {} : { threads }),
      ...(target.threadMemoryMb === undefined ? {} : { threadMemoryMb: target.threadMemoryMb }),
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
        workers: threadsOf(target) ?? availableParallelism(),
      },
    ];
  },
});
