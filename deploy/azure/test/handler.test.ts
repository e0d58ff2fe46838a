// The exported Azure handler, called in-process with real @azure/functions HttpRequest objects.
import { buildApp } from '@galapagos/server';
import { azureApp, handler } from '@galapagos/server/azure';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparable } from '../../../packages/core/test-fixtures/adapters.mjs';
import { azureRequest, bodyText, context } from './shim.js';

let reference: ReturnType<typeof buildApp>;
beforeAll(async () => {
  process.env.GALAPAGOS_LOG_LEVEL = 'silent';
  reference = buildApp({ logLevel: false, docsUi: false, threads: 2 });
  await reference.ready();
});
afterAll(async () => {
  await reference.close();
  await azureApp.close();
});

const big = {
  problem: 'onemax',
  params: { length: 100 },
  genomes: Array.from({ length: 20_000 }, (_, i) => (i % 2 ? '1' : '0').repeat(100)),
};
const cases: [string, string, unknown][] = [
  ['GET', '/', undefined],
  ['GET', '/health', undefined],
  ['GET', '/v1/problems', undefined],
  [
    'POST',
    '/v1/evaluate',
    { problem: 'onemax', params: { length: 4 }, genomes: ['0000', '0111', '1111'] },
  ],
  ['POST', '/v1/evaluate', big],
  ['GET', '/one_max_fitness/01101', undefined],
  ['GET', '/one_max_fitness/01x', undefined],
  ['POST', '/v1/evaluate', { problem: 'onemax', params: { length: 4 }, genomes: ['01'] }],
  ['POST', '/v1/evaluate', { problem: 'nope', genomes: ['0'] }],
  ['POST', '/v1/evaluate', '{"problem":'],
  ['GET', '/nowhere?code=abc', undefined],
  ['DELETE', '/health', undefined],
  ['GET', '/docs/json', undefined],
];

describe('Azure Functions handler', () => {
  it.each(cases)('answers %s %s as app.inject does', async (method, path, body) => {
    const payload =
      body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const expected = await reference.inject({
      method: method as 'GET',
      url: path,
      ...(payload === undefined
        ? {}
        : { payload, headers: { 'content-type': 'application/json' } }),
    });
    const result = await handler(
      azureRequest(method, `https://galapagos.azurewebsites.net${path}`, payload),
      context(),
    );
    const headers = result.headers as Record<string, string>;
    expect(
      comparable(result.status ?? 200, headers['content-type'], await bodyText(result)),
    ).toEqual(
      comparable(expected.statusCode, expected.headers['content-type'] as string, expected.body),
    );
    if (expected.headers['retry-after'])
      expect(headers['retry-after']).toBe(expected.headers['retry-after']);
  });

  it('evaluates a large batch (20,000 genomes, 2 MB) in order', async () => {
    const result = await handler(
      azureRequest('POST', 'https://galapagos.azurewebsites.net/v1/evaluate', JSON.stringify(big)),
      context(),
    );
    const { fitness } = JSON.parse(await bodyText(result));
    expect(fitness).toHaveLength(20_000);
    expect(fitness.slice(0, 4)).toEqual([0, 100, 0, 100]);
  });
});
