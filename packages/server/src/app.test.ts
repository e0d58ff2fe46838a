import { defaultRegistry } from '@galapagos/core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, onemax, testApp } from './test-utils.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp();
});
afterAll(() => app.close());

const expectError = (
  response: { statusCode: number; json: () => unknown },
  status: number,
  code: string,
) => {
  expect(response.statusCode).toBe(status);
  expect(response.json()).toMatchObject({ statusCode: status, code, error: expect.any(String) });
};

describe('GET /, /health, /v1/problems, /docs, /metrics', () => {
  it('serves a human welcome page linking the docs', async () => {
    const r = await app.inject('/');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/html/);
    expect(r.body).toContain('href="/docs"');
    expect(r.body).toMatch(/Galápagos fitness server \d+\.\d+\.\d+/);
  });

  it('reports health with the pool size and the limits clients size batches to', async () => {
    const r = await app.inject('/health');
    expect(r.json()).toEqual({
      status: 'ok',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      threads: 2,
      workers: 2,
      uptime: expect.any(Number),
      limits: {
        maxGenomes: 100_000,
        bodyLimit: 16 * 1024 * 1024,
        maxCostMs: 10_000,
        maxCostTotalMs: 600_000,
        timeoutMs: 60_000,
      },
    });
  });

  it('lists the registry with genome specs, objectives and parameter schemas', async () => {
    const { problems } = (await app.inject('/v1/problems')).json();
    const onemaxEntry = problems.find((p: { id: string }) => p.id === 'onemax');
    expect(onemaxEntry).toMatchObject({
      objective: 'max',
      genome: { kind: 'binary', length: 100 },
      params: { type: 'object', properties: { length: { type: 'integer', default: 100 } } },
    });
    expect(problems.map((p: { id: string }) => p.id)).toEqual(
      expect.arrayContaining(defaultRegistry.ids()),
    );
  });

  it('serves the OpenAPI document and its UI from the package', async () => {
    const doc = (await app.inject('/docs/json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/health',
        '/v1/evaluate',
        '/v1/problems',
        '/one_max_fitness/{bits}',
      ]),
    );
    const ui = await app.inject('/docs');
    expect(ui.statusCode).toBe(200);
    expect(ui.body).not.toMatch(/https?:\/\/(cdn|unpkg)/);
  });

  it('exposes Prometheus metrics for requests, evaluations, latency, pool and errors', async () => {
    await evaluate(app, onemax(4, ['0101', '1111']));
    await evaluate(app, onemax(4, ['01']));
    const r = await app.inject('/metrics');
    expect(r.headers['content-type']).toMatch(/text\/plain/);
    expect(r.body).toMatch(
      /galapagos_http_requests_total\{route="\/v1\/evaluate",method="POST",status="200"\} \d+/,
    );
    expect(r.body).toMatch(/galapagos_evaluations_total\{problem="onemax"\} [1-9]/);
    expect(r.body).toMatch(/galapagos_evaluation_duration_seconds_bucket/);
    expect(r.body).toMatch(/galapagos_pool_threads 2/);
    expect(r.body).toMatch(/galapagos_pool_queue_length 0/);
    expect(r.body).toMatch(/galapagos_errors_total\{code="GALAPAGOS_ERR_INVALID_GENOME"\} [1-9]/);
  });
});

describe('POST /v1/evaluate', () => {
  it('returns fitness in genome order for every problem', async () => {
    const r = await evaluate(app, onemax(4, ['0000', '1111', '0110']));
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      fitness: [0, 4, 2],
      problem: 'onemax',
      count: 3,
      elapsedMs: expect.any(Number),
      busyMs: expect.any(Number),
    });
    const tour = Array.from({ length: 52 }, (_, i) => 51 - i);
    expect((await evaluate(app, { problem: 'tsp', genomes: [tour] })).json().fitness).toEqual([
      defaultRegistry.resolve('tsp').instance.fitness(tour),
    ]);
    expect(
      (
        await evaluate(app, { problem: 'sphere', params: { dimensions: 2 }, genomes: [[3, 4]] })
      ).json().fitness,
    ).toEqual([25]);
  });

  it.each([
    ['a wrong length', onemax(4, ['010']), /length 4/],
    ['a wrong alphabet', onemax(4, ['01a1']), /only 0 and 1/],
    [
      'out-of-bounds reals',
      { problem: 'sphere', params: { dimensions: 1 }, genomes: [[6]] },
      /within/,
    ],
    [
      'a non-permutation',
      { problem: 'nqueens', params: { n: 4 }, genomes: [[0, 0, 1, 2]] },
      /permutation/,
    ],
  ])('refuses %s with GALAPAGOS_ERR_INVALID_GENOME', async (_name, body, message) => {
    const r = await evaluate(app, body);
    expectError(r, 400, 'GALAPAGOS_ERR_INVALID_GENOME');
    expect(r.json().message).toMatch(message);
  });

  it.each([
    ['an unknown field', { ...onemax(4, ['0000']), extra: 1 }],
    ['no genomes', onemax(4, [])],
    [
      'a string where a number belongs (no coercion)',
      { ...onemax(4, ['0000']), cost: { ms: '5', mode: 'busy' } },
    ],
    ['an unknown cost mode', { ...onemax(4, ['0000']), cost: { ms: 5, mode: 'nap' } }],
    ['a malformed problem id', { problem: '../etc', genomes: ['0'] }],
  ])('refuses %s with GALAPAGOS_ERR_INVALID_REQUEST', async (_name, body) => {
    expectError(await evaluate(app, body), 400, 'GALAPAGOS_ERR_INVALID_REQUEST');
  });

  it('maps every other bad input to its code and status', async () => {
    expectError(
      await evaluate(app, { problem: 'nope', genomes: ['0'] }),
      404,
      'GALAPAGOS_ERR_UNKNOWN_PROBLEM',
    );
    expectError(
      await evaluate(app, { problem: 'onemax', params: { length: -3 }, genomes: ['0'] }),
      400,
      'GALAPAGOS_ERR_INVALID_PARAMS',
    );
    const json = { 'content-type': 'application/json' };
    expectError(
      await app.inject({
        method: 'POST',
        url: '/v1/evaluate',
        payload: '{"problem":',
        headers: json,
      }),
      400,
      'GALAPAGOS_ERR_INVALID_JSON',
    );
    expectError(
      await app.inject({ method: 'POST', url: '/v1/evaluate', payload: '', headers: json }),
      400,
      'GALAPAGOS_ERR_INVALID_JSON',
    );
    expectError(
      await app.inject({
        method: 'POST',
        url: '/v1/evaluate',
        payload: '{"problem":"onemax","genomes":["0"],"__proto__":{"polluted":1}}',
        headers: json,
      }),
      400,
      'GALAPAGOS_ERR_INVALID_JSON',
    );
    // Escaped keys and `constructor` are refused the same way (the fast path steps aside).
    for (const payload of [
      '{"problem":"onemax","genomes":["0"],"\\u005f_proto__":{"polluted":1}}',
      '{"problem":"onemax","genomes":["0"],"constructor":{"prototype":{"polluted":1}}}',
      '\ufeff{"problem":"onemax","genomes":["0"],"__proto__":{"polluted":1}}',
    ])
      expectError(
        await app.inject({ method: 'POST', url: '/v1/evaluate', payload, headers: json }),
        400,
        'GALAPAGOS_ERR_INVALID_JSON',
      );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // A byte-order mark before a clean body is Fastify's to strip, as before.
    const bom = await app.inject({
      method: 'POST',
      url: '/v1/evaluate',
      payload: '\ufeff{"problem":"onemax","params":{"length":2},"genomes":["11"]}',
      headers: json,
    });
    expect(bom.statusCode).toBe(200);
    expect(bom.json().fitness).toEqual([2]);
    expectError(
      await app.inject({
        method: 'POST',
        url: '/v1/evaluate',
        payload: 'genomes=0',
        headers: { 'content-type': 'text/plain' },
      }),
      415,
      'GALAPAGOS_ERR_UNSUPPORTED_MEDIA_TYPE',
    );
    expectError(await app.inject('/no/such/route'), 404, 'GALAPAGOS_ERR_NOT_FOUND');
    expectError(
      await app.inject({ method: 'DELETE', url: '/health' }),
      404,
      'GALAPAGOS_ERR_NOT_FOUND',
    );
  });

  it('enforces the body limit, the genome limit and the cost caps', async () => {
    const small = await testApp({
      bodyLimit: 2048,
      maxGenomes: 3,
      maxCostMs: 50,
      maxCostTotalMs: 120,
    });
    try {
      expectError(
        await evaluate(small, onemax(1000, ['0'.repeat(1000), '1'.repeat(1000), '0'.repeat(1000)])),
        413,
        'GALAPAGOS_ERR_BODY_TOO_LARGE',
      );
      expectError(
        await evaluate(small, onemax(1, ['0', '1', '0', '1'])),
        413,
        'GALAPAGOS_ERR_TOO_MANY_GENOMES',
      );
      const perGenome = await evaluate(
        small,
        onemax(1, ['0'], { cost: { ms: 51, mode: 'sleep' } }),
      );
      expectError(perGenome, 400, 'GALAPAGOS_ERR_COST_TOO_HIGH');
      expect(perGenome.json().message).toMatch(/per genome/);
      const total = await evaluate(
        small,
        onemax(1, ['0', '1', '0'], { cost: { ms: 50, mode: 'sleep' } }),
      );
      expectError(total, 400, 'GALAPAGOS_ERR_COST_TOO_HIGH');
      expect(total.json().message).toMatch(/per request/);
      const ok = await evaluate(small, onemax(1, ['0', '1'], { cost: { ms: 50, mode: 'sleep' } }));
      expect(ok.json().fitness).toEqual([0, 1]);
    } finally {
      await small.close();
    }
  });
});

describe('GET /one_max_fitness/:bits', () => {
  it('answers the plain-text number of ones, like the reference server', async () => {
    const r = await app.inject('/one_max_fitness/0110111');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    expect(r.body).toBe('5');
    expectError(await app.inject('/one_max_fitness/01x1'), 400, 'GALAPAGOS_ERR_INVALID_REQUEST');
  });

  it('applies the configured default cost', async () => {
    const slow = await testApp({ defaultCost: { ms: 120, mode: 'sleep' } });
    try {
      const started = performance.now();
      expect((await slow.inject('/one_max_fitness/111')).body).toBe('3');
      expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    } finally {
      await slow.close();
    }
  });
});

describe('API keys', () => {
  let secured: FastifyInstance;
  beforeAll(async () => {
    secured = await testApp({ apiKeys: ['k-one', 'k-two'] });
  });
  afterAll(() => secured.close());

  it('requires a key on every route but /, /health and the API documentation', async () => {
    expect((await secured.inject('/health')).statusCode).toBe(200);
    expect((await secured.inject('/')).statusCode).toBe(200);
    expect((await secured.inject('/docs/json')).statusCode).toBe(200);
    for (const url of ['/v1/problems', '/metrics', '/one_max_fitness/01']) {
      const r = await secured.inject(url);
      expectError(r, 401, 'GALAPAGOS_ERR_UNAUTHORIZED');
      expect(r.headers['www-authenticate']).toBe('Bearer');
    }
    expectError(await evaluate(secured, onemax(2, ['01'])), 401, 'GALAPAGOS_ERR_UNAUTHORIZED');
  });

  it('accepts any configured key as Bearer or x-api-key, and refuses others', async () => {
    expect(
      (await evaluate(secured, onemax(2, ['01']), { authorization: 'Bearer k-one' })).statusCode,
    ).toBe(200);
    expect((await evaluate(secured, onemax(2, ['01']), { 'x-api-key': 'k-two' })).statusCode).toBe(
      200,
    );
    for (const headers of [
      { authorization: 'Bearer k-on' },
      { authorization: 'k-one' },
      { 'x-api-key': 'k-one-' },
      { authorization: 'Basic k-one' },
      // Every credential carried must hold, whichever header it is in.
      { authorization: 'Bearer wrong', 'x-api-key': 'k-one' },
      { authorization: 'Basic junk', 'x-api-key': 'k-one' },
      { authorization: 'Bearer k-one', 'x-api-key': 'wrong' },
    ])
      expectError(
        await evaluate(secured, onemax(2, ['01']), headers),
        401,
        'GALAPAGOS_ERR_UNAUTHORIZED',
      );
  });

  it('accepts the same valid key in both headers', async () => {
    const headers = { authorization: 'Bearer k-one', 'x-api-key': 'k-two' };
    expect((await evaluate(secured, onemax(2, ['01']), headers)).statusCode).toBe(200);
  });

  it('is off by default', async () => {
    expect((await evaluate(app, onemax(2, ['01']))).statusCode).toBe(200);
  });

  it('answers deeply nested params with a coded 400, not a 500', async () => {
    const app = await testApp();
    try {
      const body = `{"problem":"onemax","params":{"length":${'{"a":'.repeat(6000)}1${'}'.repeat(6000)}},"genomes":["0"]}`;
      const reply = await app.inject({
        method: 'POST',
        url: '/v1/evaluate',
        headers: { 'content-type': 'application/json' },
        payload: body,
      });
      expect(reply.statusCode).toBe(400);
      expect(reply.json().code).toMatch(/^GALAPAGOS_ERR_INVALID_(PARAMS|JSON|REQUEST)$/);
    } finally {
      await app.close();
    }
  });

  it('counts up to 100,000 bits on /one_max_fitness/:bits, and refuses more without echoing them', async () => {
    const app = await testApp();
    try {
      const ok = await app.inject(`/one_max_fitness/${'1'.repeat(5000)}`);
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toBe('5000');
      const tooLong = await app.inject(`/one_max_fitness/${'1'.repeat(150_000)}`);
      expect(tooLong.statusCode).toBe(400);
      expect(tooLong.json().code).toBe('GALAPAGOS_ERR_INVALID_REQUEST');
      expect(tooLong.body.length).toBeLessThan(1000);
    } finally {
      await app.close();
    }
  });
});
