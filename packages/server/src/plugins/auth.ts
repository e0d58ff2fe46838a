/** API keys: which requests must carry one, and how a key is checked. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import plugin from 'fastify-plugin';
import { ServerError } from '../errors.js';
import './route-policy.js';

/** The header carrying {@link ServerOptions.internalToken} on in-process requests. */
export const INTERNAL_HEADER = 'x-galapagos-internal';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * A check of `Authorization: Bearer KEY` and `x-api-key: KEY` against the accepted keys. One
 * rule: every credential a request carries must be valid, and it must carry at least one; an
 * `Authorization` header of another scheme (`Basic …`) counts as a wrong credential. Keys are
 * compared as SHA-256 digests with `timingSafeEqual`, so neither the key nor its length leaks
 * through timing; every key is compared, whichever matches.
 */
export function apiKeyCheck(keys: readonly string[]): (request: FastifyRequest) => boolean {
  const accepted = keys.map(digest);
  const valid = (presented: string) => {
    const candidate = digest(presented.trim());
    let ok = false;
    for (const key of accepted) ok = timingSafeEqual(key, candidate) || ok;
    return ok;
  };
  return (request) => {
    const presented: string[] = [];
    const header = request.headers.authorization;
    if (header !== undefined) {
      const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1];
      if (bearer === undefined) return false;
      presented.push(bearer);
    }
    const raw = request.headers['x-api-key'];
    if (raw !== undefined) {
      if (typeof raw !== 'string') return false;
      presented.push(raw);
    }
    // Every credential is checked (no short cut), then all must hold.
    const results = presented.map(valid);
    return results.length > 0 && results.every(Boolean);
  };
}

/**
 * Refuses requests without a valid key (401, `WWW-Authenticate: Bearer`) when keys are
 * configured, unless their route is `auth: 'open'` (its `config`, see `route-policy.ts`);
 * requests made from inside the process with the internal token pass.
 */
export const authPlugin = plugin(
  async (app) => {
    const { apiKeys, internalToken } = app.settings;
    const keyed = apiKeys.length > 0 ? apiKeyCheck(apiKeys) : () => true;
    const authorised = (request: FastifyRequest) =>
      (internalToken !== undefined && request.headers[INTERNAL_HEADER] === internalToken) ||
      keyed(request);
    app.addHook('onRequest', async (request, reply) => {
      if (request.routeOptions.config?.auth === 'open' || authorised(request)) return;
      reply.header('www-authenticate', 'Bearer');
      throw new ServerError(
        'GALAPAGOS_ERR_UNAUTHORIZED',
        'a valid API key is required (Authorization: Bearer KEY or x-api-key: KEY)',
      );
    });
  },
  { name: 'galapagos-auth' },
);
