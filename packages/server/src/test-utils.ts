import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from './app.js';
import type { ServerOptions } from './options.js';

/** Test-only problems that throw, kill their thread or return NaN (from core's fixtures). */
export const faultyProblems = new URL(
  '../../core/test-fixtures/faulty-problems.mjs',
  import.meta.url,
);

/** A ready app with two threads, no logging and the faulty test problems. */
export async function testApp(overrides: Partial<ServerOptions> = {}): Promise<FastifyInstance> {
  const app = buildApp({
    logLevel: false,
    threads: 2,
    problemModules: [faultyProblems],
    ...overrides,
  });
  await app.ready();
  return app;
}

export const evaluate = (
  app: FastifyInstance,
  payload: object,
  headers: object = {},
): Promise<LightMyRequestResponse> =>
  app.inject({ method: 'POST', url: '/v1/evaluate', payload, headers: { ...headers } });

export const onemax = (length: number, genomes: string[], extra: object = {}) => ({
  problem: 'onemax',
  params: { length },
  genomes,
  ...extra,
});
