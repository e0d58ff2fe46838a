import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparable } from '../../core/test-fixtures/adapters.mjs';
import { testApp } from './test-utils.js';

type Handler = (event: unknown, context: object) => Promise<unknown>;
type HttpResult = { statusCode: number; headers: Record<string, string>; body: string };
let handler: Handler;
let reference: Awaited<ReturnType<typeof testApp>>;

beforeAll(async () => {
  process.env.GALAPAGOS_LOG_LEVEL = 'silent';
  ({ handler } = (await import('./lambda.js')) as { handler: Handler });
  reference = await testApp({ docsUi: false, problemModules: [] });
});
afterAll(() => reference.close());

const context = { awsRequestId: 'test', functionName: 'galapagos-dev-evaluate' };

function v2(method: string, path: string, body?: unknown) {
  const [rawPath, rawQueryString = ''] = path.split('?');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers: {
      'content-type': 'application/json',
      host: 'abc.execute-api.eu-west-1.amazonaws.com',
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc',
      domainName: 'abc.execute-api.eu-west-1.amazonaws.com',
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
      },
      requestId: 'r1',
      routeKey: '$default',
      stage: '$default',
      time: '22/Nov/2026:16:00:00 +0000',
      timeEpoch: 0,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    isBase64Encoded: false,
  };
}

function v1(method: string, path: string, body?: unknown) {
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers: { 'content-type': 'application/json' },
    multiValueHeaders: { 'content-type': ['application/json'] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: path.slice(1) },
    requestContext: {
      requestId: 'r1',
      stage: 'dev',
      identity: { sourceIp: '127.0.0.1' },
      httpMethod: method,
      path,
    },
    body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
  };
}

const evaluateBody = {
  problem: 'onemax',
  params: { length: 4 },
  genomes: ['0000', '0111', '1111'],
};
const cases: [string, string, unknown][] = [
  ['GET', '/health', undefined],
  ['GET', '/v1/problems', undefined],
  ['POST', '/v1/evaluate', evaluateBody],
  ['POST', '/v1/evaluate', { problem: 'onemax', params: { length: 4 }, genomes: ['01'] }],
  ['POST', '/v1/evaluate', { problem: 'nope', genomes: ['0'] }],
  ['POST', '/v1/evaluate', '{"problem":'],
  ['GET', '/one_max_fitness/0110', undefined],
  ['GET', '/nowhere', undefined],
  ['GET', '/docs/json', undefined],
];

describe('Lambda handler', () => {
  it.each(cases)(
    'answers %s %s through API Gateway v1 and v2 events as app.inject does',
    async (method, path, body) => {
      const expected = await reference.inject({
        method: method as 'GET',
        url: path,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined
          ? {}
          : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const want = comparable(
        expected.statusCode,
        expected.headers['content-type'] as string,
        expected.body,
      );
      for (const event of [v2(method, path, body), v1(method, path, body)]) {
        const got = (await handler(event, context)) as HttpResult;
        expect(comparable(got.statusCode, got.headers['content-type'], got.body)).toEqual(want);
      }
    },
  );

  it('answers direct invokes with the evaluate reply or the coded error object', async () => {
    expect(await handler(evaluateBody, context)).toMatchObject({
      fitness: [0, 3, 4],
      problem: 'onemax',
      count: 3,
    });
    expect(await handler({ problem: 'nope', genomes: ['0'] }, context)).toMatchObject({
      statusCode: 404,
      code: 'GALAPAGOS_ERR_UNKNOWN_PROBLEM',
    });
    expect(
      await handler({ problem: 'onemax', params: { length: 4 }, genomes: ['012'] }, context),
    ).toMatchObject({
      statusCode: 400,
      code: 'GALAPAGOS_ERR_INVALID_GENOME',
    });
    expect(await handler({ genomes: 'x' }, context)).toMatchObject({
      statusCode: 400,
      code: 'GALAPAGOS_ERR_INVALID_REQUEST',
    });
    expect(await handler(null, context)).toMatchObject({ statusCode: 400 });
  });

  it.each([
    ['a valid request', evaluateBody],
    ['a cost without its mode (the default filled)', { ...evaluateBody, cost: { ms: 1 } }],
    ['an unknown problem', { problem: 'nope', genomes: ['0'] }],
    ['bad params', { problem: 'onemax', params: { length: 0 }, genomes: ['0'] }],
    ['a genome of the wrong length', { problem: 'onemax', params: { length: 4 }, genomes: ['01'] }],
    ['a cost above the cap', { ...evaluateBody, cost: { ms: 10_000_000, mode: 'sleep' } }],
    ['genomes that are not a list', { problem: 'onemax', genomes: 'x' }],
    ['an unknown field', { ...evaluateBody, extra: 1 }],
  ])('answers a direct invoke with %s as the evaluate route does', async (_name, body) => {
    const expected = (
      await reference.inject({ method: 'POST', url: '/v1/evaluate', payload: body })
    ).json();
    const got = (await handler(structuredClone(body), context)) as Record<string, unknown>;
    // Times differ from call to call; everything else is the route's.
    const timeless = (x: Record<string, unknown>) => ({ ...x, elapsedMs: 0, busyMs: 0 });
    expect(timeless(got)).toEqual(timeless(expected));
  });

  it("answers a problem-list query with the /v1/problems route's reply", async () => {
    const expected = (await reference.inject({ method: 'GET', url: '/v1/problems' })).json();
    const got = await handler({ source: 'galapagos.problems' }, context);
    // As Lambda sends it: JSON, so a field the route's schema would drop shows up here.
    expect(JSON.parse(JSON.stringify(got))).toEqual(expected);
  });

  it('counts direct invokes in the metrics its HTTP side serves', async () => {
    const evaluated = async () => {
      const reply = (await handler(v2('GET', '/metrics'), context)) as HttpResult;
      const line = reply.body.match(/^galapagos_evaluations_total\{problem="onemax"\} (\d+)$/m);
      return Number(line?.[1] ?? 0);
    };
    const before = await evaluated();
    await handler(evaluateBody, context);
    expect(await evaluated()).toBe(before + evaluateBody.genomes.length);
  });

  it('answers a scheduled warm-up without evaluating', async () => {
    expect(
      await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, context),
    ).toEqual({ warm: true });
  });
});
