#!/usr/bin/env node
/**
 * `galapagos`: run an evolution against a configured target, check targets, start a server.
 * Exit codes: 0 success, 1 the run failed (coded reason on stderr), 2 bad usage or config.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import {
  assertResumableState,
  type EngineState,
  isGalapagosError,
  type ProblemRegistry,
  resolveConfig,
} from '@galapagos/core';
import { loadProblemModules } from '@galapagos/core/runtime';
import cliProgress from 'cli-progress';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { readCheckpoint } from './checkpoint.js';
import { ConfigError, readConfigFile } from './config/load.js';
import type { Config } from './config/schema.js';
import { selectTarget, validateConfig } from './config/validate.js';
import { EvaluationError } from './errors.js';
import { createHttpEvaluator } from './evaluators/http.js';
import { createLambdaEvaluator } from './evaluators/lambda.js';
import { initProject } from './init/index.js';
import { logbookHeader, logbookLine, summary } from './output.js';
import { checkResumeFingerprint, checkTargetProblem, withTargetProblem } from './problems.js';
import { engineConfig, runEvolution } from './run.js';
import { serverEntry } from './spawn.js';
import { openTarget } from './targets.js';

const DEFAULT_CONFIG = 'galapagos.config.json';
const USAGE = 2;
/** Longest wait for a target's problem list before the first batch. */
const PROBLEMS_TIMEOUT_MS = 30_000;
const FAILED = 1;

const integer = (min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min)
    throw new InvalidArgumentError(`must be an integer >= ${min}`);
  return n;
};
const nonNegative = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number >= 0');
  return n;
};
const batchSize = (value: string) => (value === 'auto' ? 'auto' : integer(1)(value));
const jsonObject = (value: string) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new InvalidArgumentError(`must be a JSON object: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InvalidArgumentError('must be a JSON object, e.g. \'{"length": 50}\'');
  return parsed;
};

class UsageError extends Error {}

/** The config file (or the built-in default: one embedded target) with the flags applied. */
async function configFor(options: Record<string, unknown>): Promise<Config> {
  const file = (options.config as string | undefined) ?? DEFAULT_CONFIG;
  const raw: Record<string, unknown> =
    options.config !== undefined || existsSync(file)
      ? ((await readConfigFile(file)) as Record<string, unknown>)
      : { targets: { embedded: { type: 'embedded' } }, defaultTarget: 'embedded' };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ConfigError(file, [{ path: '/', message: 'must be a JSON object' }]);
  const run = { ...(raw.run as object) } as Record<string, unknown>;
  const dispatch = { ...(raw.dispatch as object) } as Record<string, unknown>;
  const set = (target: Record<string, unknown>, key: string, value: unknown) => {
    if (value !== undefined) target[key] = value;
  };
  // Module paths: the config's relative to the config file, the flag's to the working folder.
  if (Array.isArray(run.problems))
    run.problems = run.problems.map((p: unknown) =>
      typeof p === 'string' ? resolve(dirname(resolve(file)), p) : p,
    );
  if (Array.isArray(options.problems))
    run.problems = (options.problems as string[]).map((p) => resolve(p));
  // Another problem on the command line does not take the config's params for its own.
  if (options.problem !== undefined && options.problem !== run.problem) delete run.params;
  set(run, 'params', options.params);
  set(run, 'problem', options.problem);
  set(run, 'population', options.population);
  set(run, 'generations', options.generations);
  set(run, 'seed', options.seed);
  if (options.costMs !== undefined || options.costMode !== undefined) {
    const cost = { ...(run.cost as object) } as Record<string, unknown>;
    set(cost, 'ms', options.costMs);
    set(cost, 'mode', options.costMode);
    cost.ms ??= 0;
    run.cost = cost;
  }
  set(dispatch, 'batchSize', options.batchSize);
  set(dispatch, 'concurrency', options.concurrency);
  if (options.cache === false) dispatch.cache = false;
  const result = validateConfig({ ...raw, run, dispatch });
  if (!result.ok) throw new ConfigError(file, result.issues);
  return result.config;
}

/**
 * Reports an error (on stderr, and as JSON on stdout with `--json`) and gives the exit code:
 * 2 for bad usage, config or input files (`usage` forces it), 1 for a failed run.
 */
function fail(error: unknown, json: boolean, usage = false): number {
  const code =
    error instanceof EvaluationError || isGalapagosError(error)
      ? error.code
      : error instanceof UsageError
        ? 'GALAPAGOS_ERR_CONFIG'
        : 'GALAPAGOS_ERR_INTERNAL';
  const message = error instanceof Error ? error.message : String(error);
  const bad =
    usage ||
    error instanceof ConfigError ||
    error instanceof UsageError ||
    (isGalapagosError(error) &&
      [
        'GALAPAGOS_ERR_INVALID_CONFIG',
        'GALAPAGOS_ERR_UNKNOWN_PROBLEM',
        'GALAPAGOS_ERR_INVALID_PARAMS',
        'GALAPAGOS_ERR_PROBLEM_MODULE',
        'GALAPAGOS_ERR_INVALID_PROBLEM',
        'GALAPAGOS_ERR_PROBLEM_MISMATCH',
      ].includes(error.code));
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: { code, message } })}\n`);
  process.stderr.write(`galapagos: ${code}: ${message}\n`);
  return bad ? USAGE : FAILED;
}

async function runCommand(options: Record<string, unknown>): Promise<number> {
  const json = Boolean(options.json);
  const quiet = Boolean(options.quiet) || json;
  let config: Config;
  let targetName: string;
  let registry: ProblemRegistry;
  try {
    config = await configFor(options);
    const picked = selectTarget(config, options.target as string | undefined);
    if ('path' in picked)
      throw new ConfigError((options.config as string) ?? DEFAULT_CONFIG, [picked]);
    targetName = picked.name;
    ({ registry } = await loadProblemModules(config.run.problems ?? []));
    // A problem no module defines may still be the target's: checked once it is open.
    if (registry.has(config.run.problem)) resolveConfig(engineConfig(config.run), registry);
  } catch (error) {
    return fail(error, json);
  }
  let resume: EngineState | undefined;
  try {
    if (options.resume) resume = await readCheckpoint(options.resume as string);
  } catch (error) {
    // A checkpoint that cannot be read is bad input; one that cannot be written, a failed run.
    return fail(error, json, true);
  }
  const problem = resume?.config.problem ?? config.run.problem;

  const controller = new AbortController();
  const interrupt = (signal: NodeJS.Signals) =>
    controller.abort(
      new EvaluationError('GALAPAGOS_ERR_ABORTED', `interrupted by ${signal}`, {
        retryable: false,
      }),
    );
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  const showBar = !quiet && process.stderr.isTTY === true;
  const bar = showBar
    ? new cliProgress.SingleBar(
        {
          format: 'gen {gen} [{bar}] {value}/{total} evaluations | {rate}/s {note}',
          stream: process.stderr,
          clearOnComplete: true,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let barGeneration = -1;
  let lastOverloadLine = Number.NEGATIVE_INFINITY;
  let barStarted = 0;

  let open: Awaited<ReturnType<typeof openTarget>> | undefined;
  try {
    open = await openTarget(targetName, config.targets[targetName]!, {
      connections: config.dispatch.concurrency,
      problemModules: config.run.problems ?? [],
    });
    // A target that does not say what it serves within 30 s is not waited for longer.
    const asking = AbortSignal.any([
      controller.signal,
      AbortSignal.timeout(Math.min(config.dispatch.timeoutMs, PROBLEMS_TIMEOUT_MS)),
    ]);
    registry = await withTargetProblem(registry, open.evaluator, targetName, problem, asking);
    resolveConfig(engineConfig(config.run), registry);
    const fingerprint = registry.fingerprint(problem);
    checkResumeFingerprint(resume?.config.fingerprint, problem, fingerprint);
    if (resume) {
      // A checkpoint is input: checked in depth, so an edited one is refused on every target.
      try {
        assertResumableState(resume, registry);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return fail(
          new EvaluationError(
            'GALAPAGOS_ERR_CHECKPOINT',
            `cannot resume from ${String(options.resume)}: ${reason}`,
            {
              retryable: false,
            },
          ),
          json,
          true,
        );
      }
    }
    // The target must run this very code before it gets a batch.
    const warnings = await checkTargetProblem(
      open.evaluator,
      targetName,
      problem,
      fingerprint,
      asking,
    );
    for (const warning of warnings) process.stderr.write(`galapagos: warning: ${warning}\n`);
    if (!quiet) {
      process.stdout.write(
        `target ${targetName} (${open.where}), problem ${problem}${fingerprint ? ` (${fingerprint})` : ''}, seed ${config.run.seed}\n`,
      );
      process.stdout.write(`${logbookHeader()}\n`);
      for (const e of resume?.logbook ?? []) process.stdout.write(`${logbookLine(e)}\n`);
    }
    const result = await runEvolution({
      run: config.run,
      registry,
      dispatch: config.dispatch,
      evaluator: open.evaluator,
      signal: controller.signal,
      ...(resume ? { resume } : {}),
      ...(options.checkpoint ? { checkpoint: options.checkpoint as string } : {}),
      onProgress: (generation, done, total) => {
        if (!bar) return;
        if (generation !== barGeneration) {
          barGeneration = generation;
          barStarted = performance.now();
          bar.start(total, done, { gen: generation, rate: '0', note: '' });
        }
        const seconds = (performance.now() - barStarted) / 1000;
        bar.update(done, {
          gen: generation,
          rate: seconds > 0 ? (done / seconds).toFixed(0) : '0',
          note: '',
        });
      },
      onRetry: (retry) => {
        // On a terminal the bar says what the run is waiting for.
        if (bar) {
          bar.update({
            note: retry.overload
              ? `| target busy, ${retry.concurrency} in flight`
              : `| waiting for target (${retry.error.code}), retry ${retry.attempt}, ${retry.retriesLeft} left`,
          });
          return;
        }
        // Otherwise a line; overload, which may last, at most every 2 s.
        const now = performance.now();
        if (retry.overload && now - lastOverloadLine < 2000) return;
        if (retry.overload) lastOverloadLine = now;
        const what = retry.overload
          ? `target busy (${retry.error.code}); waiting, ${retry.concurrency} requests in flight at most`
          : `${retry.error.code}: ${retry.error.message}; retrying a batch of ${retry.genomes} genomes (attempt ${retry.attempt + 1}, ${retry.retriesLeft} retries left)`;
        process.stderr.write(`galapagos: ${what}\n`);
      },
      onGeneration: (entry) => {
        bar?.stop();
        if (!quiet) process.stdout.write(`${logbookLine(entry)}\n`);
      },
    });
    const rounds = result.logbook.length - (resume?.logbook.length ?? 0);
    if (json) {
      const { state: _state, ...rest } = result;
      process.stdout.write(`${JSON.stringify({ ok: true, target: targetName, ...rest })}\n`);
    } else {
      for (const line of summary(result, targetName, config.run.cost?.ms, rounds))
        process.stdout.write(`${line}\n`);
    }
    return 0;
  } catch (error) {
    bar?.stop();
    return fail(error, json);
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await open?.close();
  }
}

async function targetsCommand(options: Record<string, unknown>): Promise<number> {
  let config: Config;
  try {
    config = await configFor(options);
  } catch (error) {
    return fail(error, false);
  }
  let unreachable = 0;
  const rows: string[][] = [['target', 'type', 'where', 'status', 'version', 'workers', 'latency']];
  for (const [name, target] of Object.entries(config.targets)) {
    if (target.type === 'embedded') {
      rows.push([
        name,
        'embedded',
        'in-process',
        'ok',
        '-',
        String(target.workers ?? availableParallelism()),
        '-',
      ]);
      continue;
    }
    const evaluator =
      target.type === 'lambda'
        ? await createLambdaEvaluator({
            functionName: target.function,
            ...(target.region ? { region: target.region } : {}),
            ...(target.endpoint ? { endpoint: target.endpoint } : {}),
          })
        : createHttpEvaluator({
            urls: target.urls ?? [target.url!],
            headers: Object.fromEntries(
              Object.entries(target.headers ?? {}).flatMap(([h, v]) =>
                process.env[v.env] ? [[h, (v.prefix ?? '') + process.env[v.env]]] : [],
              ),
            ),
            connections: 1,
          });
    const onDemand = target.type === 'http' && Boolean(target.spawn);
    for (const h of await evaluator.health()) {
      const status = h.ok
        ? 'ok'
        : onDemand
          ? 'not running (started on demand)'
          : `unreachable: ${h.error}`;
      if (!h.ok && !onDemand) unreachable++;
      rows.push([
        name,
        target.type,
        h.where,
        status,
        h.version ?? '-',
        h.workers ? String(h.workers) : '-',
        h.latencyMs ? `${h.latencyMs.toFixed(1)} ms` : '-',
      ]);
    }
    await evaluator.close();
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows)
    process.stdout.write(
      `${r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}\n`,
    );
  return unreachable > 0 ? FAILED : 0;
}

function serveCommand(options: Record<string, unknown>): Promise<number> {
  const child = spawn(process.execPath, [serverEntry()], {
    stdio: 'inherit',
    env: {
      ...process.env,
      ...(options.port !== undefined ? { PORT: String(options.port) } : {}),
      ...(options.host !== undefined ? { HOST: String(options.host) } : {}),
      ...(options.workers !== undefined ? { GALAPAGOS_WORKERS: String(options.workers) } : {}),
      ...(Array.isArray(options.problems)
        ? { GALAPAGOS_PROBLEMS: (options.problems as string[]).map((p) => resolve(p)).join(',') }
        : {}),
    },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

async function initCommand(dir: string | undefined): Promise<number> {
  try {
    const written = await initProject(dir ?? '.');
    for (const file of written) process.stdout.write(`wrote ${file}\n`);
    const where = dir && dir !== '.' ? `cd ${dir} && ` : '';
    process.stdout.write(
      `\nnext: ${where}npx galapagos run   (or --target local; see README.md)\n`,
    );
    return 0;
  } catch (error) {
    return fail(error, false);
  }
}

function program(): Command {
  const cli = new Command('galapagos')
    .description('Run genetic algorithms whose fitness is evaluated on any Galápagos target.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  cli
    .command('run')
    .description('evolve, sending every generation to the chosen target')
    .option(
      '--config <file>',
      `config file (default: ./${DEFAULT_CONFIG} if present, else one embedded target)`,
    )
    .option('--target <name>', 'configured target (default: defaultTarget)')
    .option('--problem <id>', 'problem id')
    .option(
      '--problems <paths...>',
      'your problem modules (.ts, .mts, .js, .mjs exporting problems)',
    )
    .option('--params <json>', 'problem parameters, a JSON object', jsonObject)
    .option('--population <n>', 'population size', integer(2))
    .option('--generations <n>', 'generations after the initial one', integer(0))
    .option('--seed <n>', 'random seed', integer(Number.MIN_SAFE_INTEGER))
    .option('--cost-ms <ms>', 'simulated cost per evaluation, ms', nonNegative)
    .addOption(
      new Option('--cost-mode <mode>', 'simulated cost mode').choices(['busy', 'cpu', 'sleep']),
    )
    .option('--batch-size <n|auto>', 'genomes per request', batchSize)
    .option('--concurrency <n>', 'requests in flight', integer(1))
    .option('--no-cache', 'evaluate every genome, even seen ones (noisy problems)')
    .option('--checkpoint <file>', 'write the run state here after every generation')
    .option('--resume <file>', 'continue from a checkpoint')
    .option('--json', 'print exactly one JSON object')
    .option('--quiet', 'print only the summary')
    .action(async (options) => {
      process.exitCode = await runCommand(options);
    });
  cli
    .command('init')
    .description('start a project: a commented problem module, its config and a README')
    .argument('[dir]', 'folder to write into (default: the current one)')
    .action(async (dir: string | undefined) => {
      process.exitCode = await initCommand(dir);
    });
  cli
    .command('targets')
    .description('check every configured target: health, version, latency')
    .option('--config <file>', `config file (default: ./${DEFAULT_CONFIG})`)
    .action(async (options) => {
      process.exitCode = await targetsCommand(options);
    });
  cli
    .command('serve')
    .description('start the local fitness server (galapagos-server)')
    .option('--port <n>', 'port (default 3000)', integer(0))
    .option('--host <host>', 'address (default 127.0.0.1)')
    .option('--workers <n>', 'worker threads', integer(1))
    .option('--problems <paths...>', 'your problem modules, served beside the built-in problems')
    .action(async (options) => {
      process.exitCode = await serveCommand(options);
    });
  return cli;
}

// A reader that stops early (`galapagos run | head`) is not a failure of the run.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

try {
  await program().parseAsync(process.argv);
} catch (error) {
  const json = process.argv.includes('--json');
  if (error instanceof CommanderError && error.exitCode === 0) process.exitCode = 0;
  else if (error instanceof CommanderError) {
    // commander has said why on stderr; --json still gets its one object.
    if (json)
      process.stdout.write(
        `${JSON.stringify({ ok: false, error: { code: 'GALAPAGOS_ERR_CONFIG', message: error.message.replace(/^error: /, '') } })}\n`,
      );
    process.exitCode = USAGE;
  } else process.exitCode = fail(error, json);
}
