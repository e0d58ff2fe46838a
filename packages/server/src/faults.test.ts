import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { evaluate, onemax, testApp } from './test-utils.js';

const sleepy = (ms: number, n = 2) =>
  onemax(
    4,
    Array.from({ length: n }, () => '0101'),
    { cost: { ms, mode: 'sleep' } },
  );

describe('overload', () => {
  it('answers 503 with Retry-After at once when the queue is full, then recovers', async () => {
    const app = await testApp({ maxQueue: 2 });
    try {
      // 2 threads busy, 2 chunks queued: the queue is full.
      const running = [evaluate(app, sleepy(300)), evaluate(app, sleepy(300))];
      await new Promise((r) => setTimeout(r, 30));
      const started = performance.now();
      const refused = await evaluate(app, sleepy(300));
      expect(performance.now() - started).toBeLessThan(200);
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.json().code).toBe('GALAPAGOS_ERR_OVERLOADED');
      expect((await Promise.all(running)).map((r) => r.statusCode)).toEqual([200, 200]);
      expect((await evaluate(app, sleepy(10))).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('deadline', () => {
  it('answers 504 when evaluation outlives the deadline and abandons the work', async () => {
    const app = await testApp({ timeoutMs: 1000 });
    try {
      const started = performance.now();
      const r = await evaluate(
        app,
        onemax(4, ['0101', '0101'], { cost: { ms: 5000, mode: 'busy' } }),
      );
      expect(performance.now() - started).toBeLessThan(4000);
      expect(r.statusCode).toBe(504);
      expect(r.json().code).toBe('GALAPAGOS_ERR_TIMEOUT');
      // The spinning threads were terminated (not left to spin for 5 s), so the next request
      // is served by their replacements well within the deadline.
      const next = performance.now();
      expect((await evaluate(app, onemax(4, ['1111']))).json().fitness).toEqual([4]);
      expect(performance.now() - next).toBeLessThan(2500);
    } finally {
      await app.close();
    }
  });
});

describe('a user fitness that hangs', () => {
  it('is abandoned at the deadline with a 504 naming the problem and the unfinished genomes', async () => {
    const app = await testApp({ timeoutMs: 500 });
    try {
      const r = await evaluate(app, { problem: 'test-hangs', genomes: ['0000', '0001'] });
      expect(r.statusCode).toBe(504);
      expect(r.json()).toMatchObject({
        code: 'GALAPAGOS_ERR_TIMEOUT',
        message: expect.stringMatching(
          /problem "test-hangs" cancelled; genomes 0-1 had not finished/,
        ),
      });
      expect((await evaluate(app, onemax(4, ['1111']))).json().fitness).toEqual([4]);
    } finally {
      await app.close();
    }
  });
});

describe('client gone', () => {
  it('abandons the evaluation when the client closes its connection', async () => {
    const app = await testApp();
    try {
      const address = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
      const body = JSON.stringify(
        onemax(4, ['0101', '0101'], { cost: { ms: 5000, mode: 'busy' } }),
      );
      const leaving = request({
        host: address.hostname,
        port: address.port,
        method: 'POST',
        path: '/v1/evaluate',
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      });
      const closed = new Promise((resolve) => leaving.on('close', resolve));
      leaving.on('error', () => {});
      leaving.end(body);
      await new Promise((r) => setTimeout(r, 300));
      leaving.destroy();
      await closed;
      // Both threads were spinning for that client; once it left they were freed (terminated
      // and replaced), so this request does not wait out the 5 s.
      const next = performance.now();
      expect((await evaluate(app, sleepy(10))).statusCode).toBe(200);
      expect(performance.now() - next).toBeLessThan(2500);
    } finally {
      await app.close();
    }
  });
});

describe('worker faults', () => {
  it('fails only the request whose fitness throws, with a coded 500', async () => {
    const app = await testApp();
    try {
      const r = await evaluate(app, { problem: 'test-throws', genomes: ['0001', '1111'] });
      expect(r.statusCode).toBe(500);
      expect(r.json()).toMatchObject({
        code: 'GALAPAGOS_ERR_EVALUATION_FAILED',
        message: expect.stringMatching(/fitness exploded/),
      });
      expect(
        (await evaluate(app, { problem: 'test-throws', genomes: ['0011'] })).json().fitness,
      ).toEqual([2]);
    } finally {
      await app.close();
    }
  });

  it('survives a worker thread dying mid-batch: the pool replaces it and the next request succeeds', async () => {
    const app = await testApp();
    try {
      const r = await evaluate(app, { problem: 'test-exits', genomes: ['0000', '1111', '0001'] });
      expect(r.statusCode).toBe(500);
      expect(r.json().code).toBe('GALAPAGOS_ERR_EVALUATION_FAILED');
      const next = await evaluate(app, {
        problem: 'test-exits',
        genomes: ['0000', '0001', '0011', '0111'],
      });
      expect(next.json().fitness).toEqual([1, 1, 1, 1]);
      expect((await app.inject('/health')).json().workers).toBe(2);
    } finally {
      await app.close();
    }
  });

  it('refuses a problem that returns a non-finite fitness', async () => {
    const app = await testApp();
    try {
      const r = await evaluate(app, { problem: 'test-nan', genomes: ['0000'] });
      expect(r.json().code).toBe('GALAPAGOS_ERR_EVALUATION_FAILED');
    } finally {
      await app.close();
    }
  });
});

describe('the event loop stays free', () => {
  it('answers /health quickly while every worker runs cpu cost', async () => {
    const app = await testApp();
    try {
      const busy = evaluate(
        app,
        onemax(4, ['0101', '0101', '0101', '0101'], { cost: { ms: 400, mode: 'cpu' } }),
      );
      await new Promise((r) => setTimeout(r, 50));
      const started = performance.now();
      expect((await app.inject('/health')).statusCode).toBe(200);
      // The cpu cost runs 400 ms on every worker; the event loop answers long before that.
      expect(performance.now() - started).toBeLessThan(250);
      expect((await busy).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight request complete before the pool closes', async () => {
    const app = await testApp();
    const inFlight = evaluate(app, sleepy(300));
    await new Promise((r) => setTimeout(r, 50));
    const closing = app.close();
    const done = await inFlight;
    expect(done.statusCode).toBe(200);
    expect(done.json().fitness).toEqual([2, 2]);
    await closing;
  });
});
