import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * A check of `Authorization: Bearer KEY` or `x-api-key: KEY` against the accepted keys.
 * Keys are compared as SHA-256 digests with `timingSafeEqual`, so neither the key nor its
 * length leaks through timing; every key is compared, whichever matches.
 */
export function apiKeyCheck(keys: readonly string[]): (request: FastifyRequest) => boolean {
  const accepted = keys.map(digest);
  return (request) => {
    const header = request.headers.authorization;
    const bearer = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header)?.[1] : undefined;
    const raw = request.headers['x-api-key'];
    const presented = bearer ?? (typeof raw === 'string' ? raw : undefined);
    if (presented === undefined) return false;
    const candidate = digest(presented.trim());
    let ok = false;
    for (const key of accepted) ok = timingSafeEqual(key, candidate) || ok;
    return ok;
  };
}
