/** The run API of a server, from the client's side (`/v1/runs`). */

import { errorFromReply, RefusedError, RunApiError } from '@galapagos/client';
import { replyCodeEntry } from '@galapagos/core';
import type { RunDetail, RunSummary } from '@galapagos/server';
import { request } from 'undici';
import type { RunServer } from './server.js';

const TIMEOUT_MS = 30_000;
/** Statuses that mean the request itself is wrong (exit 2), for replies without a catalogued code. */
const REFUSALS = new Set([400, 404, 409, 413, 422]);

async function call<T>(
  server: RunServer,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T; location?: string }> {
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(`${server.url}${path}`, {
      method,
      headers: {
        ...server.headers,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
  } catch (error) {
    throw new RunApiError(
      'GALAPAGOS_ERR_UNREACHABLE',
      `cannot reach ${server.url}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const text = await response.body.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (response.statusCode >= 400) {
    const error = errorFromReply(response.statusCode, parsed, response.headers['retry-after']);
    // A catalogued code says itself whether it refuses the request (exit 2: core's reply-codes.ts).
    const entry = replyCodeEntry(error.code);
    const refused = entry ? entry.exit === 2 : REFUSALS.has(response.statusCode);
    throw refused
      ? new RefusedError(error.code, error.message)
      : new RunApiError(error.code, error.message, { status: response.statusCode });
  }
  if (parsed === undefined)
    throw new RunApiError('GALAPAGOS_ERR_BAD_REPLY', `${server.url}${path} answered no JSON`);
  const location = response.headers.location;
  return {
    status: response.statusCode,
    body: parsed as T,
    ...(typeof location === 'string' ? { location } : {}),
  };
}

export const submitRun = async (server: RunServer, submission: unknown) =>
  (await call<RunSummary>(server, 'POST', '/v1/runs', submission)).body;
export const listRuns = async (server: RunServer) =>
  (await call<RunSummary[]>(server, 'GET', '/v1/runs')).body;
export const getRun = async (server: RunServer, id: string) =>
  (await call<RunDetail>(server, 'GET', `/v1/runs/${encodeURIComponent(id)}`)).body;
export const cancelRun = async (server: RunServer, id: string) =>
  (await call<RunSummary>(server, 'DELETE', `/v1/runs/${encodeURIComponent(id)}`)).body;
