/**
 * A fleet worker as a process: `galapagos-worker`, `galapagos worker` (which runs it in its own
 * process) and the server image's worker command. Configured from the environment like the
 * server (see `options.ts`). On SIGTERM/SIGINT it stops taking batches, lets running ones
 * finish within GALAPAGOS_SHUTDOWN_GRACE_MS, hands back the rest and exits 0. A worker that
 * cannot start says why in one sentence and exits 2. With GALAPAGOS_PARENT_LIFELINE=stdin it
 * also stops when its standard input closes.
 */
import { StartupError } from '../errors.js';
import { deprecatedSettings } from '../options.js';
import { fleetWorkerOptionsFromEnv } from './options.js';
import { type FleetWorker, startFleetWorker } from './worker.js';

/** Runs a worker in this process until a signal stops it; then exits the process. */
export async function workerMain(env: Readonly<Record<string, string | undefined>>): Promise<void> {
  const quiet = env.GALAPAGOS_LOG_LEVEL === 'silent';
  const log = (line: string) => {
    if (!quiet) console.error(`galapagos-worker: ${line}`);
  };
  const refuse = (code: string, message: string): never => {
    console.error(`galapagos-worker: ${code}: ${message}`);
    process.exit(2);
  };

  let worker: FleetWorker | undefined;
  let stopping = false;
  const stop = async (reason: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log(`${reason}: finishing the batches in hand`);
    if (worker) {
      await worker.close();
      const { completed, failed, handedBack } = worker.stats();
      log(`stopped (${completed} batches done, ${failed} failed, ${handedBack} handed back)`);
    }
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  if (env.GALAPAGOS_PARENT_LIFELINE === 'stdin') {
    process.stdin.once('close', () => void stop('parent gone (stdin closed)'));
    process.stdin.resume();
  }

  try {
    const options = fleetWorkerOptionsFromEnv(env);
    for (const note of deprecatedSettings(env)) log(`warning: ${note}`);
    worker = await startFleetWorker(options, log);
    if (stopping) await worker.close();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (
      error instanceof StartupError ||
      code === 'GALAPAGOS_ERR_PROBLEM_MODULE' ||
      code === 'GALAPAGOS_ERR_INVALID_PROBLEM'
    )
      refuse(code as string, (error as Error).message);
    console.error('galapagos-worker: could not start:', error);
    process.exit(1);
  }
}
