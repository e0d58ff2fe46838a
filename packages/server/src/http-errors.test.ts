// What Node's HTTP parser refuses before Fastify sees a request still gets a coded body.
import { once } from 'node:events';
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from './test-utils.js';

let app: FastifyInstance;
let port: number;
beforeAll(async () => {
  app = await testApp();
  port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port);
});
afterAll(() => app.close());

/** Sends raw bytes and reads until the server closes the connection. */
async function raw(request: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(request);
  let text = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  await once(socket, 'close');
  const [head, ...rest] = text.split('\r\n\r\n');
  return { status: Number(head!.split(' ')[1]), body: JSON.parse(rest.join('\r\n\r\n')) };
}

describe('HTTP errors below Fastify', () => {
  it.each([
    [
      'headers over the parser limit',
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'GALAPAGOS_ERR_HEADERS_TOO_LARGE',
    ],
    [
      'a Content-Length that is not a number',
      'POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      400,
      'GALAPAGOS_ERR_MALFORMED_HTTP',
    ],
    [
      'Content-Length beside Transfer-Encoding (smuggling)',
      'POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      400,
      'GALAPAGOS_ERR_MALFORMED_HTTP',
    ],
  ])('%s: %i with code %s', async (_what, request, status, code) => {
    const reply = await raw(request);
    expect(reply.status).toBe(status);
    expect(reply.body).toMatchObject({ statusCode: status, code });
  });

  it('keeps serving afterwards', async () => {
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
  });
});

describe('a full pool', () => {
  it('refuses an evaluation before reading its body', async () => {
    const full = await testApp({ threads: 1, maxQueue: 0 });
    const url = await full.listen({ port: 0, host: '127.0.0.1' });
    try {
      // The one thread is busy for a while, and nothing may wait.
      const busy = fetch(`${url}/v1/evaluate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          problem: 'onemax',
          params: { length: 2 },
          cost: { ms: 1500, mode: 'sleep' },
          genomes: ['01'],
        }),
      });
      await new Promise((r) => setTimeout(r, 200));
      // Headers announcing 10 MB, and no body at all: the answer comes anyway (after the
      // second a refused body is given to stream past).
      const socket = connect(Number(new URL(url).port), '127.0.0.1');
      await once(socket, 'connect');
      socket.write(
        'POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n',
      );
      const [chunk] = (await once(socket.setEncoding('utf8'), 'data')) as [string];
      socket.destroy();
      expect(chunk).toMatch(/^HTTP\/1.1 503/);
      expect(chunk).toMatch(/retry-after: 1/i);
      expect(chunk).toMatch(/GALAPAGOS_ERR_OVERLOADED/);
      expect((await busy).status).toBe(200);
    } finally {
      await full.close();
    }
  });
});

describe('bounded memory and connections', () => {
  it('refuses an evaluation before reading its body when the bytes in flight would pass the cap', async () => {
    const capped = await testApp({ threads: 2, maxBytesInFlight: 4096 });
    const url = await capped.listen({ port: 0, host: '127.0.0.1' });
    const post = (genomes: string[], ms: number) =>
      fetch(`${url}/v1/evaluate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          problem: 'onemax',
          params: { length: 100 },
          cost: { ms, mode: 'sleep' },
          genomes,
        }),
      });
    try {
      const first = post(['1'.repeat(100)].concat(Array(29).fill('0'.repeat(100))), 20); // ~3 KB
      await new Promise((r) => setTimeout(r, 100));
      const second = await post(Array(30).fill('1'.repeat(100)), 1);
      expect(second.status).toBe(503);
      expect(((await second.json()) as { message: string }).message).toMatch(/bytes in flight/);
      expect((await first).status).toBe(200);
      // Released once answered: the same request now passes.
      expect((await post(Array(30).fill('1'.repeat(100)), 1)).status).toBe(200);
    } finally {
      await capped.close();
    }
  });

  it('makes room for a new connection by closing the longest-idle one', async () => {
    const few = await testApp({ maxConnections: 5 });
    const url = new URL(await few.listen({ port: 0, host: '127.0.0.1' }));
    const idle = [];
    try {
      for (let i = 0; i < 8; i++) {
        const socket = connect(Number(url.port), '127.0.0.1');
        await once(socket, 'connect');
        socket.on('error', () => {});
        idle.push(socket);
      }
      await new Promise((r) => setTimeout(r, 100));
      // Eight idle connections against a cap of five: the oldest were closed ...
      expect(idle.filter((s) => s.destroyed || s.readableEnded).length).toBeGreaterThanOrEqual(3);
      // ... and a new client is served at once.
      expect((await fetch(`${url.origin}/health`)).status).toBe(200);
    } finally {
      for (const s of idle) s.destroy();
      await few.close();
    }
  });
});
