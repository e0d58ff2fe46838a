import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { testApp } from '../test-utils.js';
import type { RunEvent } from './events.js';
import { selfEvaluator } from './self.js';
import type { RunHost, RunService } from './service.js';

/** An error as the run service raises them: a code and a message. */
const coded = (code: string, message: string) => Object.assign(new Error(message), { code });

/** A run's summary as the service gives it. */
const summary = (id: string, status: string) => ({
  id,
  status,
  problem: 'onemax',
  target: 'self',
  seed: 1,
  generation: 2,
  generations: 2,
  createdAt: '2026-12-07T00:00:00.000Z',
  updatedAt: '2026-12-07T00:00:00.000Z',
});

/** A run service in memory: one known run `abcdef01` with three generations, then its end. */
function fakeService() {
  const calls: { method: string; args: unknown[] }[] = [];
  const record = (method: string, ...args: unknown[]) => calls.push({ method, args });
  const events: RunEvent[] = [0, 1, 2].map((gen) => ({
    id: String(gen),
    event: 'generation' as const,
    data: { entry: { gen, nevals: 4, max: gen, avg: gen, min: gen, std: 0 } },
  }));
  const service = {
    calls,
    where: 'memory',
    start: async (self: RunHost) => {
      record('start', self);
    },
    stop: async () => {
      record('stop');
    },
    submit: async (body: unknown) => {
      record('submit', body);
      const run = (body as { run?: { population?: number } }).run;
      if (run?.population === 1)
        throw coded(
          'GALAPAGOS_ERR_INVALID_CONFIG',
          'the run is invalid: /run/population: must be >= 2',
        );
      if (run?.population === 999) throw coded('GALAPAGOS_ERR_TOO_MANY_RUNS', 'full');
      return summary('abcdef01', 'queued');
    },
    list: async () => [summary('abcdef01', 'running')],
    get: async (id: string) => {
      if (id !== 'abcdef01') throw coded('GALAPAGOS_ERR_RUN_NOT_FOUND', `no run "${id}"`);
      return { ...summary(id, 'running'), logbook: [], stats: [], hallOfFame: [], resumed: 0 };
    },
    state: async (id: string) => ({ format: 'galapagos/state', id }),
    cancel: async (id: string) => summary(id, 'cancelled'),
    async *events(id: string, after: number) {
      record('events', id, after);
      for (const e of events) if ('id' in e && Number(e.id) > after) yield e;
      yield { event: 'end', data: summary(id, 'succeeded') };
    },
    dashboardFile: (name: string) =>
      name === ''
        ? { type: 'text/html; charset=utf-8', body: '<!doctype html><title>runs</title>' }
        : undefined,
  };
  // The routes pass the service's answers through as they are: partial records do here.
  return service as unknown as RunService & { calls: typeof calls };
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const post = (a: FastifyInstance, payload: object, headers = {}) =>
  a.inject({ method: 'POST', url: '/v1/runs', payload, headers });

describe('the run API over a run service', () => {
  it('answers a submission 202 with Location, and maps the service codes to statuses', async () => {
    const runs = fakeService();
    app = await testApp({ runs });
    const ok = await post(app, { run: { problem: 'onemax' } });
    expect(ok.statusCode).toBe(202);
    expect(ok.headers.location).toBe('/v1/runs/abcdef01');
    expect(runs.calls.find((c) => c.method === 'submit')?.args[0]).toEqual({
      run: { problem: 'onemax' },
    });
    const bad = await post(app, { run: { population: 1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'GALAPAGOS_ERR_INVALID_CONFIG' });
    const full = await post(app, { run: { population: 999 } });
    expect(full.statusCode).toBe(429);
    expect(full.headers['retry-after']).toBe('30');
    const missing = await app.inject({ url: '/v1/runs/zzzzzz99' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'GALAPAGOS_ERR_RUN_NOT_FOUND' });
    expect((await app.inject({ url: '/v1/runs/not-an-id!' })).statusCode).toBe(400);
    expect((await app.inject({ method: 'DELETE', url: '/v1/runs/abcdef01' })).json()).toEqual(
      summary('abcdef01', 'cancelled'),
    );
  });

  it('declares a response schema on every run route, so /docs shows what each returns', async () => {
    app = await testApp({ runs: fakeService() });
    const doc = (await app.inject({ url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const schemaOf = (path: string, method: string, status: string) => {
      const reply = doc.paths[path]?.[method]?.responses[status] as
        | { content?: Record<string, { schema?: { properties?: object; items?: object } }> }
        | undefined;
      return Object.values(reply?.content ?? {})[0]?.schema;
    };
    const summaryFields = ['id', 'status', 'problem', 'generation', 'best'];
    expect(Object.keys(schemaOf('/v1/runs', 'post', '202')?.properties ?? {})).toEqual(
      expect.arrayContaining(summaryFields),
    );
    expect(schemaOf('/v1/runs', 'get', '200')?.items).toMatchObject({
      properties: expect.objectContaining({ id: expect.anything() }),
    });
    expect(Object.keys(schemaOf('/v1/runs/{id}', 'get', '200')?.properties ?? {})).toEqual(
      expect.arrayContaining([...summaryFields, 'logbook', 'hallOfFame', 'bestIndividual']),
    );
    expect(schemaOf('/v1/runs/{id}', 'delete', '200')?.properties).toHaveProperty('status');
    expect(schemaOf('/v1/runs/{id}/state', 'get', '200')).toBeDefined();
    const events = doc.paths['/v1/runs/{id}/events']?.get?.responses['200'] as {
      content: Record<string, unknown>;
    };
    expect(Object.keys(events.content)).toEqual(['text/event-stream']);
  });

  it('streams events as SSE, resuming after Last-Event-ID', async () => {
    const runs = fakeService();
    app = await testApp({ runs });
    const reply = await app.inject({
      url: '/v1/runs/abcdef01/events',
      headers: { accept: 'text/event-stream', 'last-event-id': '0' },
    });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(runs.calls.find((c) => c.method === 'events')?.args).toEqual(['abcdef01', 0]);
    const blocks = reply.body.split('\n\n').filter((b) => b.includes('data:'));
    expect(blocks.map((b) => /^id: (.*)$/m.exec(b)?.[1] ?? /^event: (.*)$/m.exec(b)?.[1])).toEqual([
      '1',
      '2',
      'end',
    ]);
    expect(blocks[0]).toContain('event: generation');
    expect(JSON.parse(/^data: (.*)$/m.exec(blocks[0]!)![1]!)).toMatchObject({ entry: { gen: 1 } });
    // A missing or garbled Last-Event-ID starts from the first generation.
    await app.inject({
      url: '/v1/runs/abcdef01/events',
      headers: { accept: 'text/event-stream', 'last-event-id': 'x' },
    });
    expect(runs.calls.filter((c) => c.method === 'events').at(-1)?.args).toEqual(['abcdef01', -1]);
    const unknown = await app.inject({
      url: '/v1/runs/zzzzzz99/events',
      headers: { accept: 'text/event-stream' },
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('keys every run route, not the dashboard page', async () => {
    app = await testApp({ runs: fakeService(), apiKeys: ['k-runs'] });
    for (const url of ['/v1/runs', '/v1/runs/abcdef01', '/v1/runs/abcdef01/events'])
      expect((await app.inject({ url })).statusCode, url).toBe(401);
    expect((await post(app, { run: {} })).statusCode).toBe(401);
    expect(
      (await app.inject({ url: '/v1/runs', headers: { authorization: 'Bearer k-runs' } }))
        .statusCode,
    ).toBe(200);
    const page = await app.inject({ url: '/dashboard' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect((await app.inject({ url: '/dashboard/nothing.js' })).statusCode).toBe(404);
  });

  it('answers 501 without a run service', async () => {
    app = await testApp();
    const reply = await post(app, { run: {} });
    expect(reply.statusCode).toBe(501);
    expect(reply.json()).toMatchObject({ code: 'GALAPAGOS_ERR_RUNS_DISABLED' });
    expect((await app.inject({ url: '/dashboard' })).statusCode).toBe(501);
  });

  it("starts the service when ready with the server's own pool, evaluated in-process, and stops it on close", async () => {
    const runs = fakeService();
    app = await testApp({ runs, threads: 1 });
    await app.ready();
    const host = runs.calls.find((c) => c.method === 'start')?.args[0] as RunHost;
    expect(host.pool).toBe(app.pool);
    const self = selfEvaluator(host.pool, host.options);
    expect(self.remote).toBe(false);
    expect(self.capacity).toBe(1);
    const signal = AbortSignal.timeout(10_000);
    expect(
      await self.evaluate(
        { problem: 'onemax', params: { length: 4 }, genomes: ['0111'] },
        { signal },
      ),
    ).toEqual([3]);
    // The same limits as POST /v1/evaluate, with the code and retryability a client reads.
    await expect(
      self.evaluate(
        {
          problem: 'onemax',
          params: { length: 4 },
          cost: { ms: 1e9, mode: 'sleep' },
          genomes: ['0111'],
        },
        { signal },
      ),
    ).rejects.toMatchObject({ code: 'GALAPAGOS_ERR_COST_TOO_HIGH', status: 400, retryable: false });
    // Counted as the server's evaluations.
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(/galapagos_evaluations_total\{problem="onemax"\} 1/);
    await app.close();
    app = undefined;
    expect(runs.calls.at(-1)?.method).toBe('stop');
  });
});
