// A real Redis server for tests and benches: Debian's redis-server on a free loopback port,
// without persistence, stopped by PID. Optionally with a password, or with TLS only (a
// self-signed certificate for 127.0.0.1 made with openssl; trust it with NODE_EXTRA_CA_CERTS).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';

const REDIS_SERVER = process.env.GALAPAGOS_REDIS_SERVER ?? 'redis-server';

/** A free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A CA-less self-signed certificate for 127.0.0.1, in a fresh folder. */
function selfSigned() {
  const dir = mkdtempSync(join(tmpdir(), 'galapagos-redis-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { key, cert };
}

/** Answers PING (after AUTH) over a plain or TLS socket; false until the server is up. */
function ping({ port, password, cert }) {
  return new Promise((resolve) => {
    const socket = cert
      ? tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(cert) })
      : connect(port, '127.0.0.1');
    let reply = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once(cert ? 'secureConnect' : 'connect', () =>
      socket.write(`${password ? `AUTH ${password}\r\n` : ''}PING\r\n`),
    );
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.includes('+PONG')) done(true);
      else if (reply.includes('-')) done(false);
    });
  });
}

/**
 * Starts redis-server; `restart()` stops it and starts a fresh one (empty: no persistence) on
 * the same port, as a crashed Redis comes back.
 * @param {{ password?: string, tls?: boolean }} [options]
 */
export async function startRedis(options = {}) {
  const port = await freePort();
  const tls = options.tls ? selfSigned() : undefined;
  const args = [
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--protected-mode',
    'no',
    ...(tls
      ? [
          '--port',
          '0',
          '--tls-port',
          String(port),
          '--tls-cert-file',
          tls.cert,
          '--tls-key-file',
          tls.key,
          '--tls-auth-clients',
          'no',
        ]
      : ['--port', String(port)]),
    ...(options.password ? ['--requirepass', options.password] : []),
  ];
  let child;
  const start = async () => {
    child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.once('error', () => {});
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode})`);
      if (await ping({ port, password: options.password, cert: tls?.cert })) return { exited };
      if (Date.now() > deadline) throw new Error('redis-server did not answer PING in 10 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  let { exited } = await start();
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  return {
    port,
    url: `${tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`,
    /** The certificate to trust (NODE_EXTRA_CA_CERTS) when started with TLS. */
    cert: tls?.cert,
    get pid() {
      return child.pid;
    },
    stop,
    async restart(downMs = 0) {
      await stop();
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      ({ exited } = await start());
    },
  };
}
