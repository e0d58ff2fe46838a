/**
 * `galapagos submit`: sends the run (the config's `run` with the flags applied) to a server,
 * which evolves it off the request cycle; prints the run's id. With the user's own modules
 * (`run.problems`), the server must serve the very same code: checked by fingerprint first.
 */

import { ConfigError, checkTargetProblem, createHttpEvaluator } from '@galapagos/client';
import { isGalapagosError } from '@galapagos/core';
import { loadProblemModules } from '@galapagos/core/runtime';
import { fail } from '../fail.js';
import { type ConfigFlags, configFor } from '../flags.js';
import { submitRun } from '../remote/api.js';
import type { RunServer } from '../remote/server.js';
import { runServer } from '../remote/server.js';
import type { RemoteFlags } from './remote.js';
import { watchCommand } from './watch.js';

export interface SubmitFlags extends RemoteFlags, ConfigFlags {
  /** Where the server evaluates: `self` (its pool) or a target of its own config. */
  readonly on?: string;
  readonly watch?: boolean;
  readonly report?: string;
  readonly svg?: string;
}

/** The server must serve the modules' problem with the same fingerprint as here. */
async function checkServerCode(server: RunServer, problem: string, modules: readonly string[]) {
  const { registry } = await loadProblemModules(modules).catch((error) => {
    throw isGalapagosError(error) ? ConfigError.from(error) : error;
  });
  if (!registry.has(problem)) return [];
  const evaluator = createHttpEvaluator({
    urls: [server.url],
    headers: { ...server.headers },
    connections: 1,
  });
  try {
    return await checkTargetProblem(
      evaluator,
      server.url,
      problem,
      registry.fingerprint(problem),
      AbortSignal.timeout(30_000),
    );
  } finally {
    await evaluator.close();
  }
}

export async function submitCommand(flags: SubmitFlags): Promise<number> {
  const json = Boolean(flags.json);
  try {
    const config = await configFor(flags);
    const server = runServer(config, flags, process.env);
    const { problems, ...run } = config.run;
    const warnings = problems?.length ? await checkServerCode(server, run.problem, problems) : [];
    for (const warning of warnings) process.stderr.write(`galapagos: warning: ${warning}\n`);
    const summary = await submitRun(server, {
      run,
      dispatch: config.dispatch,
      ...(flags.on ? { target: flags.on } : {}),
    });
    // With --json --watch, the one object is the watch's.
    if (!json) process.stdout.write(`${summary.id}\n`);
    else if (!flags.watch) process.stdout.write(`${JSON.stringify({ ok: true, ...summary })}\n`);
    if (!json)
      process.stderr.write(
        `submitted run ${summary.id} to ${server.url} (${summary.problem} on ${summary.target}); follow it: galapagos watch ${summary.id}, or open ${server.url}/dashboard#/runs/${summary.id}\n`,
      );
    if (!flags.watch) return 0;
    return await watchCommand(summary.id, { ...flags, url: server.url }, server);
  } catch (error) {
    return fail(error, json);
  }
}
