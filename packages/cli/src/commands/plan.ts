/**
 * `galapagos plan`: before a run, what it will take on a target: a short probe of the target
 * with the run's own genomes, then the predicted wall time, evaluations per second, Lambda
 * concurrency and cost (see `plan/model.ts`), with the assumptions behind them.
 */

import {
  ConfigError,
  checkTargetProblem,
  engineConfig,
  openTarget,
  predict,
  probeFigures,
  selectTarget,
  simulateSends,
  type TargetConnection,
  withTargetProblem,
} from '@galapagos/client';
import { isGalapagosError, resolveConfig } from '@galapagos/core';
import { loadProblemModules } from '@galapagos/core/runtime';
import { SERVER_ENTRY } from '@galapagos/server/entries';
import { fail } from '../fail.js';
import { type ConfigFlags, configFor, DEFAULT_CONFIG } from '../flags.js';

export interface PlanFlags extends ConfigFlags {
  readonly target?: string;
  readonly evaluations?: number;
  readonly json?: boolean;
}

const seconds = (ms: number) =>
  ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(0)} s`;

export async function planCommand(flags: PlanFlags): Promise<number> {
  const json = Boolean(flags.json);
  let open: TargetConnection | undefined;
  try {
    const config = await configFor(flags);
    const picked = selectTarget(config, flags.target);
    if ('path' in picked) throw new ConfigError(flags.config ?? DEFAULT_CONFIG, [picked]);
    const asUsage = (error: unknown) => (isGalapagosError(error) ? ConfigError.from(error) : error);
    let { registry } = await loadProblemModules(config.run.problems ?? []).catch((error) => {
      throw asUsage(error);
    });
    open = await openTarget(picked.target, {
      name: picked.name,
      connections: config.dispatch.concurrency,
      env: process.env,
      problemModules: config.run.problems ?? [],
      targets: config.targets,
      serverEntry: SERVER_ENTRY,
    });
    const signal = AbortSignal.timeout(Math.min(config.dispatch.timeoutMs, 120_000));
    const problem = config.run.problem;
    registry = await withTargetProblem(registry, open.evaluator, picked.name, problem, signal);
    const fingerprint = registry.fingerprint(problem);
    for (const warning of await checkTargetProblem(
      open.evaluator,
      picked.name,
      problem,
      fingerprint,
      signal,
    ))
      process.stderr.write(`galapagos: warning: ${warning}\n`);
    let engine: ReturnType<typeof resolveConfig>;
    try {
      engine = resolveConfig(engineConfig(config.run, fingerprint), registry);
    } catch (error) {
      throw asUsage(error);
    }
    // The run's shape: what each generation sends, from the engine itself.
    const shape = await simulateSends(engine, registry, {
      cache: config.dispatch.cache,
      evaluations: flags.evaluations,
    });
    const later = [...shape.sent.slice(1)].sort((a, b) => a - b);
    const figures = await probeFigures(
      open.evaluator,
      engine,
      registry,
      { problem, params: engine.params, cost: config.run.cost, fingerprint },
      config.dispatch,
      later[later.length >> 1] ?? engine.population,
      signal,
    );
    const plan = predict(engine, figures, shape, {
      concurrency: config.dispatch.concurrency,
      cache: config.dispatch.cache,
    });
    if (json) {
      process.stdout.write(
        `${JSON.stringify({ ok: true, target: picked.name, problem, ...plan })}\n`,
      );
      return 0;
    }
    const lines = [
      `plan for target ${picked.name} (${open.where}): ${problem}, population ${engine.population}, ${plan.generations} generations`,
      `  evaluations    ${plan.evaluations} (${plan.sent} sent, the rest from the cache)`,
      `  wall time      ${seconds(plan.wallMs)}`,
      `  evaluations/s  ${plan.evalsPerSecond.toFixed(0)}`,
      ...(plan.lambdaConcurrency === undefined
        ? []
        : [`  Lambda concurrency  ${plan.lambdaConcurrency}`]),
      `  cost           $${plan.usd < 0.01 && plan.usd > 0 ? plan.usd.toPrecision(3) : plan.usd.toFixed(2)}`,
      `  probe          ${figures.firstRoundGenomes} genomes in ${figures.firstRoundMs.toFixed(0)} ms, ${figures.laterRoundGenomes} in ${figures.laterRoundMs.toFixed(0)} ms, ${figures.slots ?? 'elastic:'} ${figures.slots === undefined ? `${config.dispatch.concurrency} invokes` : ''} at once, first answer ${figures.firstMs.toFixed(0)} ms`,
      'assumptions:',
      ...plan.assumptions.map((a) => `  - ${a}`),
    ];
    for (const line of lines) process.stdout.write(`${line}\n`);
    return 0;
  } catch (error) {
    return fail(error, json);
  } finally {
    await open?.close();
  }
}
