import { availableParallelism } from 'node:os';
import { type Cost, MAX_GENOMES_PER_REQUEST } from '@galapagos/core';
import type { EvaluationPool, ProblemModule } from '@galapagos/core/runtime';
import { StartupError } from './errors.js';
import type { Metrics } from './metrics.js';
import type { RunService } from './runs/service.js';

/** Everything {@link buildApp} can be told. Each has a `GALAPAGOS_*` variable ({@link optionsFromEnv}). */
export interface ServerOptions {
  /**
   * Threads evaluating fitness (`GALAPAGOS_THREADS`). Default: available parallelism; on AWS
   * Lambda, the function's vCPUs (its memory ÷ 1,769 MB, 2–6: see {@link lambdaVcpus}).
   */
  readonly threads: number;
  /**
   * Start worker threads and compile route schemas as work first needs them rather than
   * before the server is ready (cloud entries: a cold start does not wait for threads a cheap
   * batch never uses, nor compile routes it is not invoked for).
   */
  readonly lazyStart?: boolean;
  /** Chunks that may wait for a thread; beyond it requests get 503. */
  readonly maxQueue: number;
  /** Unix nice increment of the worker threads (0-19), so the request thread always gets a core. */
  readonly workerNice: number;
  /** Largest simulated cost per genome a request may ask for, in ms. */
  readonly maxCostMs: number;
  /** Largest simulated cost per request (ms × genomes), in ms. */
  readonly maxCostTotalMs: number;
  /** Cost applied by `GET /one_max_fitness/:bits` (the reference design's busy_wait). */
  readonly defaultCost: Cost;
  /** Evaluation deadline per request, in ms; past it: 504 and the work is abandoned. */
  readonly timeoutMs: number;
  /** Largest request body, in bytes; past it: 413. */
  readonly bodyLimit: number;
  /** Largest number of genomes in one request. */
  readonly maxGenomes: number;
  /**
   * Request bodies (by Content-Length) being read, parsed or evaluated at once, in bytes;
   * beyond it evaluations get 503 before their body is read, so a burst cannot exhaust memory.
   */
  readonly maxBytesInFlight: number;
  /** Open connections; past it the longest-idle one is closed (see `connections.ts`). */
  readonly maxConnections: number;
  /** Accepted API keys; empty: no authentication. */
  readonly apiKeys: readonly string[];
  /** pino level, or false for no logging. */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | false;
  /**
   * The user's problem modules (`.ts`, `.mts`, `.js`, `.mjs` files exporting `problems`, or
   * bundles made for a package), beside the built-in problems.
   */
  readonly problemModules: readonly ProblemModule[];
  /** Heap limit of each worker thread, MiB; a fitness exhausting it fails alone. Default: Node's. */
  readonly threadMemoryMb?: number;
  /** Serve the Swagger UI at `/docs` (its static files must be on disk); the document at `/docs/json` is always served. */
  readonly docsUi: boolean;
  /**
   * A secret that marks requests made from inside the process (direct Lambda invokes, which
   * IAM has already authorised): they pass the API-key check. Never sent over a network.
   */
  readonly internalToken?: string;
  /**
   * Runs evolved on the server (`/v1/runs`, `/dashboard`), started when the app is ready
   * (`main.ts` always opens one; see `runs/load.ts`). Without it those routes answer 501.
   */
  readonly runs?: RunService;
  /** Use this pool instead of starting one (it is then not closed with the app). */
  readonly pool?: EvaluationPool;
  /**
   * Count into these metrics instead of new ones: an entry that answers some events without
   * the app (Lambda's direct invokes) shares its counts with it.
   */
  readonly metrics?: Metrics;
}

export function defaultOptions(): ServerOptions {
  const threads = availableParallelism();
  return {
    threads,
    maxQueue: Math.max(64, threads * 16),
    workerNice: 10,
    maxCostMs: 10_000,
    maxCostTotalMs: 600_000,
    defaultCost: { ms: 0, mode: 'busy' },
    timeoutMs: 60_000,
    bodyLimit: 16 * 1024 * 1024,
    maxGenomes: 100_000,
    maxBytesInFlight: 48 * 1024 * 1024,
    maxConnections: 10_000,
    apiKeys: [],
    logLevel: 'info',
    problemModules: [],
    docsUi: true,
  };
}

/** The listen address and shutdown grace of `main.ts`. */
export interface ListenOptions {
  readonly host: string;
  readonly port: number;
  readonly shutdownGraceMs: number;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Longest delay a Node timer keeps (2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** An integer setting from the environment, in range, or the fallback when unset. */
export function integer(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new StartupError(
      'GALAPAGOS_ERR_SETTINGS',
      max === Number.MAX_SAFE_INTEGER
        ? `${name} must be an integer >= ${min}, got "${raw}"`
        : `${name} must be an integer from ${min} to ${max}, got "${raw}"`,
    );
  return value;
}

/** Memory that buys one full vCPU on AWS Lambda, MB (10,240 MB buys six). */
const LAMBDA_MB_PER_VCPU = 1769;

/**
 * The vCPUs of the Lambda function this process runs in, from its memory size
 * (`AWS_LAMBDA_FUNCTION_MEMORY_SIZE`): CPU is allotted in proportion, a full vCPU per
 * 1,769 MB, to the nearest whole one, up to six; never fewer than the two a function's
 * process is shown below that. Two threads on a share of a vCPU cost a CPU-bound fitness
 * nothing (they take turns) and let a batch of two genomes whose fitness waits (a remote
 * simulator, a `sleep` cost) take one fitness's time instead of two. The threads start as
 * batches need them, so a cold start with one genome starts one. Undefined outside Lambda.
 */
export function lambdaVcpus(env: Env): number | undefined {
  const memoryMb = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  if (!Number.isFinite(memoryMb) || memoryMb <= 0) return undefined;
  return Math.max(2, Math.min(6, Math.round(memoryMb / LAMBDA_MB_PER_VCPU)));
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Server options from environment variables; unset variables keep their defaults. Only the
 * entry files call it, with `process.env`.
 * @throws StartupError `GALAPAGOS_ERR_SETTINGS` naming the variable and the reason, for malformed values.
 */
export function optionsFromEnv(env: Env): ServerOptions {
  const d = defaultOptions();
  const level = env.GALAPAGOS_LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    throw new StartupError(
      'GALAPAGOS_ERR_SETTINGS',
      `GALAPAGOS_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`,
    );
  const mode = env.GALAPAGOS_DEFAULT_COST_MODE ?? d.defaultCost.mode;
  if (mode !== 'busy' && mode !== 'cpu' && mode !== 'sleep')
    throw new StartupError(
      'GALAPAGOS_ERR_SETTINGS',
      `GALAPAGOS_DEFAULT_COST_MODE must be busy, cpu or sleep, got "${mode}"`,
    );
  const threads = integer(
    env,
    env.GALAPAGOS_THREADS?.trim() || !env.GALAPAGOS_WORKERS?.trim()
      ? 'GALAPAGOS_THREADS'
      : 'GALAPAGOS_WORKERS',
    lambdaVcpus(env) ?? d.threads,
    1,
    1024,
  );
  return {
    threads,
    maxQueue: integer(env, 'GALAPAGOS_MAX_QUEUE', Math.max(64, threads * 16), 0),
    workerNice: integer(env, 'GALAPAGOS_WORKER_NICE', d.workerNice, 0, 19),
    maxCostMs: integer(env, 'GALAPAGOS_MAX_COST_MS', d.maxCostMs, 0),
    maxCostTotalMs: integer(env, 'GALAPAGOS_MAX_COST_TOTAL_MS', d.maxCostTotalMs, 0),
    defaultCost: { ms: integer(env, 'GALAPAGOS_DEFAULT_COST_MS', d.defaultCost.ms, 0), mode },
    timeoutMs: integer(env, 'GALAPAGOS_TIMEOUT_MS', d.timeoutMs, 1, MAX_TIMER_MS),
    bodyLimit: integer(env, 'GALAPAGOS_BODY_LIMIT', d.bodyLimit, 1024),
    maxGenomes: integer(env, 'GALAPAGOS_MAX_GENOMES', d.maxGenomes, 1, MAX_GENOMES_PER_REQUEST),
    maxBytesInFlight: integer(env, 'GALAPAGOS_MAX_BYTES_IN_FLIGHT', d.maxBytesInFlight, 1024),
    maxConnections: integer(env, 'GALAPAGOS_MAX_CONNECTIONS', d.maxConnections, 1),
    apiKeys: (env.GALAPAGOS_API_KEYS ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k.length > 0),
    logLevel: level === 'silent' ? false : (level as ServerOptions['logLevel']),
    problemModules: (env.GALAPAGOS_PROBLEMS ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p.length > 0),
    ...(env.GALAPAGOS_THREAD_MEMORY_MB?.trim()
      ? { threadMemoryMb: integer(env, 'GALAPAGOS_THREAD_MEMORY_MB', 0, 16) }
      : {}),
    docsUi: d.docsUi,
  };
}

/**
 * Notes on settings given by their old names, for the log: `GALAPAGOS_WORKERS` is the pool's
 * thread count under its old name (a "worker" is a fleet process), read for one more release.
 */
export function deprecatedSettings(env: Env): string[] {
  if (!env.GALAPAGOS_WORKERS?.trim()) return [];
  return [
    env.GALAPAGOS_THREADS?.trim()
      ? 'GALAPAGOS_WORKERS is ignored: GALAPAGOS_THREADS is set (GALAPAGOS_WORKERS is its deprecated old name)'
      : 'GALAPAGOS_WORKERS is deprecated: set GALAPAGOS_THREADS, the threads of the evaluation pool (a worker is a fleet process)',
  ];
}

/** Listen address and grace period from `HOST`, `PORT`, `GALAPAGOS_SHUTDOWN_GRACE_MS`. */
export function listenFromEnv(env: Env, defaultHost = '127.0.0.1'): ListenOptions {
  return {
    host: env.HOST?.trim() || defaultHost,
    port: integer(env, 'PORT', 3000, 0, 65_535),
    shutdownGraceMs: integer(env, 'GALAPAGOS_SHUTDOWN_GRACE_MS', 10_000, 0, MAX_TIMER_MS),
  };
}
