/**
 * The queue protocol between `galapagos worker` processes and the client's `queue` target
 * (BullMQ on Redis): the job a batch becomes, how a failure travels back, the heartbeat each
 * worker keeps, and how a Redis URL and its credentials become connection settings. Plain data
 * and pure functions: the Redis and BullMQ code lives in the server (workers) and the client.
 */
import Type, { type Static } from 'typebox';
import { GalapagosError } from './errors.js';
import { EvaluateRequestSchema, ProblemSummarySchema } from './wire.js';

/** The queue name when none is given. */
export const DEFAULT_QUEUE = 'galapagos';
/** BullMQ's job name for an evaluation batch. */
export const EVALUATE_JOB = 'evaluate';
/** How often a worker renews its heartbeat, and how long one lasts without renewal. */
export const HEARTBEAT_MS = 1000;
export const HEARTBEAT_TTL_MS = 5000;

/** A queue name: what BullMQ keys are made of (no `:`, which separates key parts). */
export const QUEUE_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';

/** The data of one evaluation job: the evaluate request, and the client's problem fingerprint. */
export const QueueJobSchema = Type.Object(
  {
    v: Type.Literal(1),
    request: EvaluateRequestSchema,
    fingerprint: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);
export type QueueJob = Static<typeof QueueJobSchema>;

/** What a worker says about itself in its heartbeat: the client sizes batches to `threads`. */
export const WorkerAdvertSchema = Type.Object({
  id: Type.String(),
  host: Type.String(),
  pid: Type.Integer(),
  threads: Type.Integer({ minimum: 1 }),
  version: Type.String(),
  problems: Type.Array(ProblemSummarySchema),
  limits: Type.Object({
    maxGenomes: Type.Integer({ minimum: 1, description: 'Most genomes per batch.' }),
    maxCostTotalMs: Type.Number({
      minimum: 0,
      description: 'Largest cost.ms × genomes per batch.',
    }),
  }),
});
export type WorkerAdvert = Static<typeof WorkerAdvertSchema>;

/** The Redis keys of a queue's fleet, beside BullMQ's own (`bull:<queue>:…`). */
export function fleetKeys(queue: string) {
  const base = `bull:${queue}:galapagos`;
  return {
    /** A set of worker ids that have advertised (some may have expired). */
    workers: `${base}:workers`,
    /** One worker's advert (JSON), expiring unless renewed. */
    worker: (id: string) => `${base}:worker:${id}`,
  };
}

/** Where a Redis is and how to log in: ioredis connection options, without a driver. */
export interface RedisSettings {
  readonly connection: {
    readonly host: string;
    readonly port: number;
    readonly db: number;
    readonly username?: string;
    readonly password?: string;
    /** Present for `rediss://`: TLS with the system's CAs (plus NODE_EXTRA_CA_CERTS). */
    readonly tls?: { servername?: string };
  };
  /** The URL as it may be printed (never holds a secret). */
  readonly where: string;
}

/** How long a Redis client waits before its n-th reconnection: doubling from 200 ms to 2 s. */
export const reconnectDelayMs = (times: number): number =>
  Math.min(100 * 2 ** Math.min(times, 5), 2000);

/** Where Redis credentials come from by default. */
export const REDIS_PASSWORD_ENV = 'GALAPAGOS_REDIS_PASSWORD';
export const REDIS_USERNAME_ENV = 'GALAPAGOS_REDIS_USERNAME';

/**
 * A `redis://` or `rediss://` URL as connection settings. Credentials come only from the
 * environment: a URL holding a password is refused (it would end up in configs, shell history
 * and process lists).
 * @throws GalapagosError `GALAPAGOS_ERR_INVALID_CONFIG` saying what is wrong.
 */
export function redisSettings(
  url: string,
  env: Readonly<Record<string, string | undefined>>,
  variables: { password?: string; username?: string } = {},
): RedisSettings {
  const refuse = (why: string): never => {
    throw new GalapagosError('GALAPAGOS_ERR_INVALID_CONFIG', `Redis URL ${why}`);
  };
  if (!URL.canParse(url)) refuse(`${JSON.stringify(url)} does not parse`);
  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    refuse(`${JSON.stringify(url)} must start with redis:// or rediss:// (TLS)`);
  if (parsed.password !== '')
    refuse(
      `must not hold a password: set ${variables.password ?? REDIS_PASSWORD_ENV} in the environment instead`,
    );
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) refuse(`database "${db}" must be a number (0-15)`);
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const password = env[variables.password ?? REDIS_PASSWORD_ENV];
  const username =
    decodeURIComponent(parsed.username) || env[variables.username ?? REDIS_USERNAME_ENV];
  const tls = parsed.protocol === 'rediss:';
  return {
    connection: {
      host,
      port,
      db: db === '' ? 0 : Number(db),
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      ...(tls ? { tls: /^[\d.]+$|:/.test(host) ? {} : { servername: host } } : {}),
    },
    where: `${parsed.protocol}//${parsed.host}${db === '' ? '' : `/${db}`}`,
  };
}
