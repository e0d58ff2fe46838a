/**
 * The run service of a listening server, from its environment: `@galapagos/client/runs`
 * (or the module `GALAPAGOS_RUNS_MODULE` names; `galapagos serve` names its own) opened with
 * the `GALAPAGOS_RUNS_*` settings. Servers without the client installed run without runs.
 */
import { StartupError } from '../errors.js';
import { type Env, integer } from '../options.js';
import { VERSION } from '../version.js';
import type { RunServiceLike } from './service.js';

export interface RunsLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

interface RunsModule {
  openRunService(settings: Record<string, unknown>): Promise<RunServiceLike>;
}

const MISSING = new Set(['ERR_MODULE_NOT_FOUND', 'ERR_PACKAGE_PATH_NOT_EXPORTED']);

export async function loadRunService(
  env: Env,
  problemModules: readonly string[],
  log: RunsLog,
): Promise<RunServiceLike | undefined> {
  if (env.GALAPAGOS_RUNS?.trim().toLowerCase() === 'off') return undefined;
  const settings = {
    maxRunning: integer(env, 'GALAPAGOS_MAX_RUNS', 2, 1, 1000),
    maxQueued: integer(env, 'GALAPAGOS_MAX_QUEUED_RUNS', 100, 1, 100_000),
    maxEvaluations: integer(env, 'GALAPAGOS_MAX_RUN_EVALUATIONS', 10_000_000, 1),
    ...(env.GALAPAGOS_RUNS_DIR?.trim() ? { dir: env.GALAPAGOS_RUNS_DIR.trim() } : {}),
    ...(env.GALAPAGOS_RUNS_REDIS?.trim() ? { redis: env.GALAPAGOS_RUNS_REDIS.trim() } : {}),
    ...(env.GALAPAGOS_CONFIG?.trim() ? { config: env.GALAPAGOS_CONFIG.trim() } : {}),
    problemModules,
    env,
    log,
    version: VERSION,
  };
  const specifier = env.GALAPAGOS_RUNS_MODULE?.trim() || '@galapagos/client/runs';
  let runs: RunsModule;
  try {
    runs = (await import(specifier)) as RunsModule;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (!env.GALAPAGOS_RUNS_MODULE && code !== undefined && MISSING.has(code)) {
      log.info('runs are off: @galapagos/client is not installed beside the server');
      return undefined;
    }
    throw new StartupError(
      'GALAPAGOS_ERR_RUNS',
      `cannot load the run service ${specifier}: ${(error as Error).message}`,
    );
  }
  try {
    return await runs.openRunService(settings);
  } catch (error) {
    throw new StartupError(
      'GALAPAGOS_ERR_RUNS',
      `cannot start the run service: ${(error as Error).message}`,
    );
  }
}
