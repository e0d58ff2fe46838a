import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

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
