import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KeepAlivePool } from './keep-alive.js';

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A local server answering with `handle`; counts the connections it accepted. */
async function serve(handle: Parameters<typeof createServer>[1]) {
  const server = createServer(handle);
  servers.push(server);
  let connections = 0;
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}/`), connections: () => connections };
}

const post = (pool: KeepAlivePool, body: string, signal = new AbortController().signal) =>
  pool.request({
    path: '/echo',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal,
  });

describe('KeepAlivePool', () => {
  it('sends the body with its length and keeps one connection for requests in turn', async () => {
    const { url, connections } = await serve((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => {
        res.setHeader('retry-after', '3');
        res.end(JSON.stringify({ length: req.headers['content-length'], body }));
      });
    });
    const pool = new KeepAlivePool(url, 4);
    try {
      for (const body of ['{"a":"é"}', 'x'.repeat(200_000), '[]']) {
        const reply = await post(pool, body);
        expect(reply.status).toBe(200);
        expect(reply.headers['retry-after']).toBe('3');
        expect(JSON.parse(reply.text)).toEqual({
          length: String(Buffer.byteLength(body)),
          body,
        });
      }
      expect(connections()).toBe(1);
    } finally {
      pool.close();
    }
  });

  it('keeps every connection open between bursts of more than 256 requests', async () => {
    // Replies wait until the whole burst has arrived, so each request needs its own connection.
    const BURST = 300;
    let waiting: (() => void)[] = [];
    const { url, connections } = await serve((req, res) => {
      req.resume().on('end', () => {
        waiting.push(() => res.end('{}'));
        if (waiting.length === BURST) for (const reply of waiting.splice(0)) reply();
      });
    });
    const pool = new KeepAlivePool(url, BURST);
    try {
      for (let burst = 0; burst < 2; burst++) {
        waiting = [];
        const replies = await Promise.all(Array.from({ length: BURST }, () => post(pool, '{}')));
        expect(replies.every((r) => r.status === 200 && r.text === '{}')).toBe(true);
        expect(connections()).toBe(BURST);
      }
    } finally {
      pool.close();
    }
  });

  it('rejects a reply cut short, a refused connection and an aborted request', async () => {
    const { url } = await serve((req, res) => {
      if (req.url === '/echo') {
        res.writeHead(200, { 'content-length': '100' });
        res.write('{"partial":');
        setTimeout(() => res.destroy(), 20);
      }
    });
    const pool = new KeepAlivePool(url, 4);
    try {
      await expect(post(pool, '{}')).rejects.toMatchObject({ code: 'ECONNRESET' });
      const aborted = new AbortController();
      const hanging = pool.request({
        path: '/hang',
        method: 'GET',
        headers: {},
        body: undefined,
        signal: aborted.signal,
      });
      setTimeout(() => aborted.abort(), 20);
      await expect(hanging).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      pool.close();
    }
    // Nothing listens on a closed server's port any more.
    const closed = servers.pop()!;
    closed.closeAllConnections();
    await new Promise((resolve) => closed.close(resolve));
    const gone = new KeepAlivePool(url, 1);
    try {
      await expect(post(gone, '{}')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      gone.close();
    }
  });
});
