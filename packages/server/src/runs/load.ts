/**
 * The run service of a listening server, from its environment: opened with the
 * `GALAPAGOS_RUNS_*` settings, unless `GALAPAGOS_RUNS=off`.
 */
import { StartupError } from '../errors.js';
import { type Env, integer } from '../options.js';
import { VERSION } from '../version.js';
import { openRunService } from './open.js';
import type { RunService } from './service.js';

export interface RunsLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export async function loadRunService(
  env: Env,
  problemModules: readonly string[],
  log: RunsLog,
): Promise<RunService | undefined> {
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
  try {
    return await openRunService(settings);
  } catch (error) {
    throw new StartupError(
      'GALAPAGOS_ERR_RUNS',
      `cannot start the run service: ${(error as Error).message}`,
    );
  }
}
