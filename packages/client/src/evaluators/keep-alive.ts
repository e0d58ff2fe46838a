/**
 * One server's keep-alive connections for the HTTP evaluator: Node's own client (`node:http`,
 * `node:https`) with a keep-alive `Agent`. A `galapagos run` is a fresh process sending a few
 * dozen large requests, most of them before V8 has optimised anything; Node's client is
 * compiled into Node (no source to compile, no WebAssembly parser to start and tier up), so
 * those first requests cost less than with a library client (bench/README.md, "HTTP client").
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface KeepAliveReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

export interface KeepAliveRequest {
  readonly path: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly signal: AbortSignal;
}

/** Up to `connections` kept-alive connections to `origin`. */
export class KeepAlivePool {
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;
  private readonly host: string;
  private readonly port: string;

  constructor(origin: URL, connections: number) {
    const tls = origin.protocol === 'https:';
    const agentOptions = {
      keepAlive: true,
      maxSockets: connections,
      // Every connection stays open between generations. The default keeps 256 idle ones, so
      // with more requests in flight each generation closed the rest and opened them again
      // (thousands of sockets in TIME_WAIT, and connects the server's backlog dropped retried
      // after a second).
      maxFreeSockets: connections,
      // Idle connections are closed after 30 s (the server keeps them 72 s).
      timeout: 30_000,
    };
    this.agent = tls ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.send = tls ? httpsRequest : httpRequest;
    this.host = origin.hostname.replace(/^\[|\]$/g, '');
    this.port = origin.port;
  }

  /** The reply's status, headers and body text; rejects when there was no complete reply. */
  request(options: KeepAliveRequest): Promise<KeepAliveReply> {
    return new Promise((resolve, reject) => {
      const { body } = options;
      const req = this.send(
        {
          agent: this.agent,
          host: this.host,
          ...(this.port ? { port: this.port } : {}),
          path: options.path,
          method: options.method,
          headers:
            body === undefined
              ? options.headers
              : { ...options.headers, 'content-length': Buffer.byteLength(body) },
          signal: options.signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            // A reply cut short ends too: only a complete one counts.
            if (!res.complete) {
              reject(Object.assign(new Error('reply cut short'), { code: 'ECONNRESET' }));
              return;
            }
            const text =
              chunks.length === 1 ? chunks[0]!.toString() : Buffer.concat(chunks).toString();
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Closes every connection. */
  close(): void {
    this.agent.destroy();
  }
}
