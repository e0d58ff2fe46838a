/**
 * Opens a server's run service from its settings: the store (a folder, or Redis: named, or the
 * Redis of a queue target in the server's config), the config's targets and the server's
 * problem modules (their paths, for targets that load them: the problems themselves are the
 * pool's, given at start).
 */
import { loadConfig, type Target } from '@galapagos/client';
import { redisSettings } from '@galapagos/core';
import { createFileStore } from './file-store.js';
import { createRedisStore } from './redis-store.js';
import { createRunService, type RunService, type RunServiceLog } from './service.js';
import type { RunStore } from './store.js';

export interface RunServiceSettings {
  /** Folder of the runs (default `galapagos-runs` in the working directory). */
  readonly dir?: string;
  /** Keep runs in this Redis instead (`redis://` or `rediss://`). */
  readonly redis?: string;
  /** A `galapagos.config.json` whose targets runs may name (and whose queue holds the runs). */
  readonly config?: string;
  readonly problemModules: readonly string[];
  readonly maxRunning: number;
  readonly maxQueued: number;
  readonly maxEvaluations: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: RunServiceLog;
  readonly version: string;
}

export const DEFAULT_RUNS_DIR = 'galapagos-runs';

export async function openRunService(settings: RunServiceSettings): Promise<RunService> {
  const targets: Record<string, Target> = settings.config
    ? (await loadConfig(settings.config)).targets
    : {};
  const queue = Object.values(targets).find((t) => t.type === 'queue');
  let store: RunStore;
  if (settings.redis !== undefined)
    store = await createRedisStore(redisSettings(settings.redis, settings.env));
  else if (queue?.type === 'queue' && settings.dir === undefined)
    store = await createRedisStore(
      redisSettings(queue.url, settings.env, {
        ...(queue.password ? { password: queue.password.env } : {}),
        ...(queue.username ? { username: queue.username.env } : {}),
      }),
    );
  else store = await createFileStore(settings.dir ?? DEFAULT_RUNS_DIR);
  return createRunService({
    store,
    context: {
      targets,
      problemModules: settings.problemModules,
      env: settings.env,
    },
    maxRunning: settings.maxRunning,
    maxQueued: settings.maxQueued,
    maxEvaluations: settings.maxEvaluations,
    log: settings.log,
    version: settings.version,
  });
}
