import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from './test-utils.js';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

const RUNS = 10_000;

const nasty = fc.oneof(
  fc.constantFrom(
    null,
    -0,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    '',
    '\u0000',
    '__proto__',
    'constructor',
    [],
    {},
    true,
    '0'.repeat(5000),
  ),
  fc.string(),
  fc.integer(),
  fc.double(),
);
const deep = (depth: number, leaf: string) => '['.repeat(depth) + leaf + ']'.repeat(depth);
const genome = fc.oneof(
  fc.stringMatching(/^[01]{0,12}$/),
  fc.array(fc.oneof(fc.double(), fc.integer({ min: -2, max: 60 })), { maxLength: 60 }),
  nasty,
);
/** Bodies close to valid evaluate requests, with one or more things wrong. */
const evaluateLike = fc.record(
  {
    problem: fc.oneof(
      fc.constantFrom(
        'onemax',
        'tsp',
        'sphere',
        'nqueens',
        'knapsack',
        'rastrigin',
        'test-throws',
        'nope',
      ),
      nasty,
    ),
    params: fc.oneof(
      fc.record(
        { length: fc.oneof(fc.integer({ min: -5, max: 12 }), nasty) },
        { requiredKeys: [] },
      ),
      fc.dictionary(fc.string(), nasty),
      nasty,
    ),
    cost: fc.oneof(
      fc.record(
        {
          ms: fc.oneof(fc.integer({ min: -1, max: 3 }), nasty),
          mode: fc.oneof(fc.constantFrom('busy', 'cpu', 'sleep'), nasty),
        },
        { requiredKeys: [] },
      ),
      nasty,
    ),
    genomes: fc.oneof(fc.array(genome, { maxLength: 8 }), nasty),
    extra: nasty,
  },
  { requiredKeys: [] },
);
const rawBody = fc.oneof(
  evaluateLike.map((b) => JSON.stringify(b)),
  evaluateLike.map((b) => JSON.stringify(b).replace('{', '{"__proto__":{"polluted":true},')),
  evaluateLike.map((b) =>
    JSON.stringify(b).replace('{', '{"constructor":{"prototype":{"polluted":true}},'),
  ),
  fc.json({ maxDepth: 6 }),
  fc.string({ maxLength: 200 }),
  fc.integer({ min: 1, max: 50_000 }).map((d) => deep(d, '1')),
  fc.integer({ min: 1, max: 50_000 }).map((d) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`),
  fc.constant(''),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
);
const path = fc.oneof(
  fc.constantFrom(
    '/',
    '/health',
    '/v1/problems',
    '/v1/evaluate',
    '/metrics',
    '/docs',
    '/docs/json',
    '/one_max_fitness/0101',
    '/one_max_fitness/',
  ),
  fc.stringMatching(/^[01a-z%./?=&#-]{0,40}$/).map((s) => `/one_max_fitness/${s}`),
  fc.stringMatching(/^[01]{0,3000}$/).map((s) => `/one_max_fitness/${s}`),
  fc.webPath().map((p) => p || '/'),
  fc.string({ maxLength: 60 }).map((s) => `/v1/${encodeURIComponent(s)}`),
  fc.constantFrom(
    '/%',
    '/%zz',
    '/..%2f..%2fetc',
    '//',
    '/v1/evaluate?__proto__[x]=1',
    '/health?x=%E0%A4%A',
  ),
);
const request = fc.record({
  method: fc.constantFrom(
    'GET',
    'POST',
    'POST',
    'POST',
    'PUT',
    'DELETE',
    'PATCH',
    'OPTIONS',
    'HEAD',
  ),
  url: path,
  body: rawBody,
  contentType: fc.constantFrom(
    'application/json',
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=utf-16',
    'text/plain',
    'multipart/form-data; boundary=x',
    'application/x-www-form-urlencoded',
    'garbage',
    '',
  ),
  extraHeaders: fc.dictionary(
    fc.stringMatching(/^[a-z][a-z-]{0,15}$/),
    fc.stringMatching(/^[ -~]{0,60}$/),
    { maxKeys: 3 },
  ),
});

describe('fuzzing every route with malformed requests', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp({ maxCostMs: 2, maxCostTotalMs: 10, timeoutMs: 2000 });
  });
  afterAll(() => app.close());

  it(`answers ${RUNS} malformed requests without a single 5xx, and memory returns to baseline`, async () => {
    gc();
    const baseline = process.memoryUsage().heapUsed;
    const statuses = new Map<number, number>();
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ method, url, body, contentType, extraHeaders }) => {
        const headers: Record<string, string> = { ...extraHeaders };
        if (contentType) headers['content-type'] = contentType;
        const r = await app.inject({
          method: method as 'GET',
          url,
          headers,
          ...(method === 'GET' || method === 'HEAD' ? {} : { payload: body }),
        });
        sent++;
        statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
        if (r.statusCode >= 400 && method !== 'HEAD')
          expect(r.json().code, `${method} ${url} ${body.slice(0, 200)}`).toMatch(
            /^GALAPAGOS_ERR_/,
          );
        expect(
          r.statusCode,
          `${method} ${url} ${contentType} ${body.slice(0, 200)} -> ${r.body.slice(0, 300)}`,
        ).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
    expect(sent).toBe(RUNS);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await app.inject('/health')).statusCode).toBe(200);
    gc();
    const growth = process.memoryUsage().heapUsed - baseline;
    console.log(
      `fuzz: ${sent} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}, heap growth ${(growth / 2 ** 20).toFixed(1)} MiB`,
    );
    expect(growth).toBeLessThan(32 * 2 ** 20);
  }, 180_000);
});
