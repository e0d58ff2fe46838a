#!/usr/bin/env node
/**
 * `galapagos`: the command line. Each command lives in `commands/`; this file only wires them
 * to commander. Exit codes: 0 success, 1 the run failed or was interrupted (coded reason on
 * stderr), 2 bad usage, config or input; each error's class carries its code.
 */
// First: the V8 settings (heap growth, WebAssembly tier-up) hold from the start.
import './v8-flags.js';
import { EXIT_USAGE } from '@galapagos/client';
import { Command, CommanderError, Option } from 'commander';
import type { PlanFlags } from './commands/plan.js';
import type { RemoteFlags } from './commands/remote.js';
import type { ReportFlags } from './commands/report.js';
import type { ServeFlags } from './commands/serve.js';
import type { SubmitFlags } from './commands/submit.js';
import type { WatchFlags } from './commands/watch.js';
import type { WorkerFlags } from './commands/worker.js';
import { fail } from './fail.js';
import {
  batchSize,
  DEFAULT_CONFIG,
  deprecatedWorkers,
  finite,
  integer,
  jsonObject,
  nonNegative,
  probability,
  type RunFlags,
} from './flags.js';
import { cliVersion } from './version.js';

/** The flags that shape a run (over the config file's `run` and `dispatch`): run and submit. */
function runShapingOptions(command: Command): Command {
  return command
    .option('--problem <id>', 'problem id')
    .option(
      '--problems <paths...>',
      'your problem modules (.ts, .mts, .js, .mjs exporting problems)',
    )
    .option('--params <json>', 'problem parameters, a JSON object', jsonObject)
    .option('--population <n>', 'population size', integer(2))
    .option('--generations <n>', 'generations after the initial one', integer(0))
    .option('--seed <n>', 'random seed', integer(Number.MIN_SAFE_INTEGER))
    .option('--cxpb <p>', 'probability that a pair of offspring is crossed over', probability)
    .option('--mutpb <p>', 'probability that an offspring is mutated', probability)
    .option('--hall-of-fame <n>', 'best individuals kept (and, for simple, passed on)', integer(0))
    .option('--algorithm <name>', 'simple, mu-plus-lambda, mu-comma-lambda or nsga2')
    .option(
      '--lambda <n>',
      'offspring per generation (mu-plus-lambda, mu-comma-lambda)',
      integer(1),
    )
    .option('--selection <name>', 'selection operator (e.g. selTournament, selBest)')
    .option('--crossover <name>', 'crossover operator (e.g. cxTwoPoint, cxBlend)')
    .option('--mutation <name>', 'mutation operator (e.g. mutFlipBit, mutGaussian)')
    .option('--target-fitness <x>', 'stop once the best fitness reaches x', finite)
    .option('--max-evaluations <n>', 'stop once n evaluations have been asked for', integer(1))
    .option('--stagnation <n>', 'stop after n generations without a better best', integer(1))
    .option('--time-limit <ms>', 'stop between generations after ms of wall clock', integer(1))
    .option('--cost-ms <ms>', 'simulated cost per evaluation, ms', nonNegative)
    .addOption(
      new Option('--cost-mode <mode>', 'simulated cost mode').choices(['busy', 'cpu', 'sleep']),
    )
    .option('--cost-sigma <s>', 'uneven costs: lognormal around --cost-ms (0 to 3)', nonNegative)
    .option('--batch-size <n|auto>', 'genomes per request', batchSize)
    .option('--concurrency <n>', 'requests in flight', integer(1))
    .option('--no-cache', 'evaluate every genome, even seen ones (noisy problems)');
}

/** Where a run command's server is: a configured http target, or a URL. */
function serverOptions(command: Command): Command {
  return command
    .option('--config <file>', `config file (default: ./${DEFAULT_CONFIG})`)
    .option('--target <name>', 'an http target of the config: the server (default: defaultTarget)')
    .option('--url <url>', "the server's URL instead (API key from GALAPAGOS_API_KEY)")
    .option('--json', 'print exactly one JSON object');
}

function program(): Command {
  const cli = new Command('galapagos')
    .description('Run genetic algorithms whose fitness is evaluated on any Galápagos target.')
    .version(cliVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  runShapingOptions(
    cli
      .command('run')
      .description('evolve, sending every generation to the chosen target')
      .option(
        '--config <file>',
        `config file (default: ./${DEFAULT_CONFIG} if present, else one embedded target)`,
      )
      .option('--target <name>', 'configured target (default: defaultTarget)'),
  )
    .option('--seeds <list>', 'an experiment: the run over many seeds, e.g. 1..30 or 1,5,9')
    .option(
      '--checkpoint <file>',
      'where the run state is saved as it goes (default: a new file in .galapagos/ beside the config)',
    )
    .option('--no-checkpoint', 'save no checkpoint')
    .option(
      '--replay <file>',
      'repeat a steady-state run exactly (its --json result or checkpoint), on any target',
    )
    .option(
      '--resume [file]',
      "continue from a checkpoint, by default this config's latest unfinished run (with --generations N: continue to N generations)",
    )
    .option(
      '--accept-code-change',
      "with --resume: go on although the problem's code changed since the checkpoint (both fingerprints are recorded)",
    )
    .option('--report <file>', 'write a self-contained HTML report of the run here')
    .option('--svg <file>', 'write the convergence chart here as SVG')
    .option('--json', 'print exactly one JSON object')
    .option('--quiet', 'print only the summary')
    .action(async (flags: RunFlags) => {
      process.exitCode = await (await import('./commands/run.js')).runCommand(flags);
    });
  cli
    .command('init')
    .description('start a project: a commented problem module, its config and a README')
    .argument('[dir]', 'folder to write into (default: the current one)')
    .option(
      '--python',
      'a Python simulator kept running (simulate.py) instead of a TypeScript fitness',
    )
    .action(async (dir: string | undefined, flags: { python?: boolean }) => {
      process.exitCode = await (await import('./commands/init.js')).initCommand(dir, flags);
    });
  cli
    .command('targets')
    .description('check every configured target: health, version, latency')
    .option('--config <file>', `config file (default: ./${DEFAULT_CONFIG})`)
    .action(async (flags: { config?: string }) => {
      process.exitCode = await (await import('./commands/targets.js')).targetsCommand(flags);
    });
  cli
    .command('serve')
    .description('start the local fitness server (galapagos-server)')
    .option('--port <n>', 'port (default 3000)', integer(0, 65_535))
    .option('--host <host>', 'address (default 127.0.0.1)')
    .option('--threads <n>', 'evaluation threads (default: one per core)', integer(1))
    .addOption(deprecatedWorkers())
    .option('--problems <paths...>', 'your problem modules, served beside the built-in problems')
    .action(async (flags: ServeFlags) => {
      process.exitCode = await (await import('./commands/serve.js')).serveCommand(flags);
    });
  cli
    .command('worker')
    .description(
      'take evaluation batches from a queue on Redis (a fleet worker; run any number, anywhere)',
    )
    .requiredOption(
      '--redis <url>',
      'Redis URL, redis:// or rediss:// (TLS); password from GALAPAGOS_REDIS_PASSWORD',
    )
    .option('--queue <name>', 'queue name (default galapagos)')
    .option('--threads <n>', "this worker's evaluation threads (default: one per core)", integer(1))
    .addOption(deprecatedWorkers())
    .option('--problems <paths...>', 'your problem modules, served beside the built-in problems')
    .option(
      '--lock-ms <ms>',
      "how long a batch's lock lasts unrenewed: a killed worker's batch is taken over after it (default 30000)",
      integer(1000),
    )
    .action(async (flags: WorkerFlags) => {
      await (await import('./commands/worker.js')).workerCommand(flags);
    });
  runShapingOptions(
    cli
      .command('plan')
      .description(
        'before a run: probe the target briefly, then predict wall time, evaluations/s, Lambda concurrency and cost',
      )
      .option('--config <file>', `config file (default: ./${DEFAULT_CONFIG})`)
      .option('--target <name>', 'configured target (default: defaultTarget)'),
  )
    .option(
      '--evaluations <n>',
      'plan for this many evaluations instead of the generations',
      integer(1),
    )
    .option('--json', 'print exactly one JSON object')
    .action(async (flags: PlanFlags) => {
      process.exitCode = await (await import('./commands/plan.js')).planCommand(flags);
    });
  runShapingOptions(
    serverOptions(
      cli
        .command('submit')
        .description("send the run to a server, which evolves it on its own (prints the run's id)"),
    ),
  )
    .option(
      '--on <target>',
      "where the server evaluates: self (its pool, the default) or a target of the server's config",
    )
    .option('--watch', 'then follow it as galapagos watch does')
    .option('--report <file>', 'with --watch: write the HTML report here at the end')
    .option('--svg <file>', 'with --watch: write the convergence chart here as SVG')
    .action(async (flags: SubmitFlags) => {
      process.exitCode = await (await import('./commands/submit.js')).submitCommand(flags);
    });
  serverOptions(cli.command('status').description("a server's runs, or one run's logbook so far"))
    .argument('[id]', 'run id')
    .action(async (id: string | undefined, flags: RemoteFlags) => {
      process.exitCode = await (await import('./commands/status.js')).statusCommand(id, flags);
    });
  serverOptions(
    cli.command('watch').description("a server run's logbook, live, until the run ends"),
  )
    .argument('<id>', 'run id')
    .option('--report <file>', 'write the HTML report here when the run ends')
    .option('--svg <file>', 'write the convergence chart here as SVG when the run ends')
    .action(async (id: string, flags: WatchFlags) => {
      process.exitCode = await (await import('./commands/watch.js')).watchCommand(id, flags);
    });
  serverOptions(cli.command('cancel').description('cancel a server run'))
    .argument('<id>', 'run id')
    .action(async (id: string, flags: RemoteFlags) => {
      process.exitCode = await (await import('./commands/cancel.js')).cancelCommand(id, flags);
    });
  cli
    .command('report')
    .description(
      'a self-contained HTML report (and/or an SVG chart) of a checkpoint, a --json result or a server run',
    )
    .argument('<file>', 'checkpoint, galapagos run --json result, or GET /v1/runs/{id} JSON')
    .option('-o, --output <file>', 'the HTML report to write')
    .option('--svg <file>', 'the convergence chart to write as SVG')
    .option('--json', 'print exactly one JSON object')
    .action(async (file: string, flags: ReportFlags) => {
      process.exitCode = await (await import('./commands/report.js')).reportCommand(file, flags);
    });
  return cli;
}

// A reader that stops early (`galapagos run | head`) is not a failure of the run.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

/**
 * The arguments after the node binary and the script, without the `--` a package manager's
 * script wrapper passes through (`pnpm client run -- --target embedded`): no command takes
 * arguments that start with a dash, so it never separates anything here.
 */
function userArguments(argv: readonly string[]): string[] {
  const args = argv.slice(2);
  const at = args.indexOf('--');
  if (at === 0 || at === 1) args.splice(at, 1);
  return args;
}

try {
  await program().parseAsync(userArguments(process.argv), { from: 'user' });
} catch (error) {
  const json = process.argv.includes('--json');
  if (error instanceof CommanderError && error.exitCode === 0) process.exitCode = 0;
  else if (error instanceof CommanderError) {
    // commander has said why on stderr; --json still gets its one object.
    if (json)
      process.stdout.write(
        `${JSON.stringify({ ok: false, error: { code: 'GALAPAGOS_ERR_CONFIG', message: error.message.replace(/^error: /, '') } })}\n`,
      );
    process.exitCode = EXIT_USAGE;
  } else process.exitCode = fail(error, json);
}
