/**
 * The Lambda direct-invoke protocol: an invoke's event is an evaluate request (the same JSON
 * body as `POST /v1/evaluate`), or one of these control events, named by `source`. The
 * function answers each; the client sends them. One list for both sides.
 */
export const LAMBDA_EVENT_SOURCES = {
  /** Which problems (and fingerprints) the function serves: answered as `GET /v1/problems`. */
  problems: 'galapagos.problems',
  /** A warm-up ping (also the scheduled one): answered `{ warm: true }` without evaluating. */
  warmup: 'galapagos.warmup',
  /** EventBridge's own scheduled events, treated as a warm-up. */
  schedule: 'aws.events',
} as const;

export type LambdaEventSource = (typeof LAMBDA_EVENT_SOURCES)[keyof typeof LAMBDA_EVENT_SOURCES];

/** A control event of the direct-invoke protocol. */
export const lambdaControlEvent = (source: 'problems' | 'warmup') => ({
  source: LAMBDA_EVENT_SOURCES[source],
});
