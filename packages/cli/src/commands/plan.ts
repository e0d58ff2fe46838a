/**
 * `galapagos plan`: before a run, what it will take on a target: a short probe of the target
 * with the run's own genomes, then the predicted wall time, evaluations per second, Lambda
 * concurrency and cost (see `plan/model.ts`), with the assumptions behind them.
 */

import {
  ConfigError,
  type PreparedRun,
  predict,
  prepareRun,
  probeFigures,
  selectTarget,
  simulateSends,
} from '@galapagos/client';
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
  let open: PreparedRun | undefined;
  try {
    const config = await configFor(flags);
    const picked = selectTarget(config, flags.target);
    if ('path' in picked) throw new ConfigError(flags.config ?? DEFAULT_CONFIG, [picked]);
    const signal = AbortSignal.timeout(Math.min(config.dispatch.timeoutMs, 120_000));
    open = await prepareRun({
      run: config.run,
      dispatch: config.dispatch,
      target: { name: picked.name, config: picked.target },
      targets: config.targets,
      signal,
      env: process.env,
      serverEntry: SERVER_ENTRY,
      source: flags.config ?? DEFAULT_CONFIG,
    });
    const { registry, engine, problem, fingerprint } = open;
    for (const warning of open.warnings) process.stderr.write(`galapagos: warning: ${warning}\n`);
    // The run's shape: what each generation sends, from the engine itself.
    const shape = await simulateSends(engine, registry, {
      cache: config.dispatch.cache,
      evaluations: flags.evaluations,
    });
    const later = [...shape.sent.slice(1)].sort((a, b) => a - b);
    const figures = await probeFigures(
      open.connection.evaluator,
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
      `plan for target ${picked.name} (${open.connection.where}): ${problem}, population ${engine.population}, ${plan.generations} generations`,
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
