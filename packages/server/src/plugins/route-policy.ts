/**
 * What a route declares about itself for the plugins that guard every request: its `config`.
 * The auth plugin lets `auth: 'open'` routes answer without an API key; the admission plugin
 * admits `admission: 'evaluate'` routes against the bytes in flight and the pool's queue. A
 * new route states its policy where it is declared, not in a list of URLs elsewhere.
 */
export interface RoutePolicy {
  /** `open`: answers without an API key (it holds no data). Default: a key when keys are set. */
  readonly auth?: 'open';
  /** `evaluate`: an evaluation, admitted before its body is read. */
  readonly admission?: 'evaluate';
}

declare module 'fastify' {
  interface FastifyContextConfig extends RoutePolicy {}
}

/** The policy of a route that needs no key. */
export const OPEN: RoutePolicy = { auth: 'open' };
