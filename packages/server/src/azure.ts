/**
 * Azure Functions entry (Node v4 programming model): an HTTP trigger handler that forwards
 * each request to the same app, built once per worker process, translating method, path,
 * query, headers and body both ways. Register it with `app.http(...)` (see deploy/azure).
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { buildApp } from './app.js';
import { deployedOptions } from './deployed.js';

const app = buildApp(deployedOptions(import.meta.url));
const ready = app.ready();

/** Headers the Functions host sets itself. */
const HOP_BY_HOP = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

/** The HTTP trigger handler. */
export async function handler(
  request: HttpRequest,
  _context: InvocationContext,
): Promise<HttpResponseInit> {
  await ready;
  const url = new URL(request.url);
  const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
  const reply = await app.inject({
    method: request.method as 'GET',
    url: url.pathname + url.search,
    headers: Object.fromEntries(request.headers.entries()),
    ...(body && body.length > 0 ? { payload: body } : {}),
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return { status: reply.statusCode, headers, body: reply.rawPayload };
}

/** The app behind the handler, for closing it in tests and shutdown hooks. */
export const azureApp = app;
