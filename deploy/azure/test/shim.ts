import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { HttpRequest, type HttpResponseInit, InvocationContext } from '@azure/functions';

type Handler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

/** A real @azure/functions request, as the Functions host builds it. */
export function azureRequest(
  method: string,
  url: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
) {
  return new HttpRequest({
    method,
    url,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined
      ? {}
      : { body: typeof body === 'string' ? { string: body } : { bytes: body } }),
  });
}

export const context = () =>
  new InvocationContext({ functionName: 'galapagos', invocationId: 'test' });

/** Body bytes of a handler result. */
export async function bodyText(result: HttpResponseInit): Promise<string> {
  const body = result.body;
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  return new Response(body as ConstructorParameters<typeof Response>[0]).text();
}

/**
 * A local stand-in for the Functions host: an HTTP server that checks the function key
 * (`x-functions-key` or `?code=`, as authLevel "function" does) and calls the handler.
 */
export async function functionsShim(
  handler: Handler,
  key: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.headers['x-functions-key'] !== key && url.searchParams.get('code') !== key) {
      res.writeHead(401).end();
      return;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
    const result = await handler(
      azureRequest(req.method ?? 'GET', `http://127.0.0.1${req.url}`, body, headers),
      context(),
    );
    res.writeHead(result.status ?? 200, result.headers as Record<string, string>);
    res.end(await bodyText(result));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
