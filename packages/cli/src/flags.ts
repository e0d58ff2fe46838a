/** The command line's values: parsing each flag, and the config file with the flags applied. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Config, ConfigError, readConfigFile, validateConfig } from '@galapagos/client';
import { InvalidArgumentError, Option } from 'commander';

export const DEFAULT_CONFIG = 'galapagos.config.json';

/** Flags that shape the config (`run` and `dispatch`), as commander parses them. */
export interface ConfigFlags {
  readonly config?: string;
  readonly problem?: string;
  readonly problems?: readonly string[];
  readonly params?: Record<string, unknown>;
  readonly population?: number;
  readonly generations?: number;
  readonly seed?: number;
  readonly cxpb?: number;
  readonly mutpb?: number;
  readonly hallOfFame?: number;
  /** An algorithm by name (`--lambda` for mu+lambda and mu,lambda). */
  readonly algorithm?: string;
  readonly lambda?: number;
  /** Operators by name, with their default parameters. */
  readonly selection?: string;
  readonly crossover?: string;
  readonly mutation?: string;
  readonly targetFitness?: number;
  readonly maxEvaluations?: number;
  readonly stagnation?: number;
  readonly timeLimit?: number;
  readonly costMs?: number;
  readonly costMode?: 'busy' | 'cpu' | 'sleep';
  readonly costSigma?: number;
  readonly batchSize?: number | 'auto';
  readonly concurrency?: number;
  /** `--no-cache` makes it false. */
  readonly cache?: boolean;
}

/** `galapagos run`'s flags. */
export interface RunFlags extends ConfigFlags {
  readonly target?: string;
  /** A file, or false for `--no-checkpoint` (commander's default is true). */
  readonly checkpoint?: string | boolean;
  /** A file, or true for `--resume` without one: the config's latest unfinished run. */
  readonly resume?: string | boolean;
  /** Resume a checkpoint made with other code of the problem, recording both fingerprints. */
  readonly acceptCodeChange?: boolean;
  /** A steady-state run's result (`--json`) or checkpoint: repeat its order of completions. */
  readonly replay?: string;
  /** `1..30` or `1,5,9`: an experiment over these seeds. */
  readonly seeds?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
  /** Write the HTML report here at the end. */
  readonly report?: string;
  /** Write the convergence chart here as SVG at the end. */
  readonly svg?: string;
}

export const integer =
  (min: number, max = Number.MAX_SAFE_INTEGER) =>
  (value: string) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER
          ? `must be an integer >= ${min}`
          : `must be an integer from ${min} to ${max}`,
      );
    return n;
  };
export const nonNegative = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number >= 0');
  return n;
};
export const finite = (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new InvalidArgumentError('must be a number');
  return n;
};
export const probability = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError('must be a number from 0 to 1');
  return n;
};
export const batchSize = (value: string) => (value === 'auto' ? 'auto' : integer(1)(value));
export const jsonObject = (value: string) => {
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

type Json = Record<string, unknown>;
const section = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value } : {};
const defined = (entries: Json): Json =>
  Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));

/**
 * The raw config with the flags applied: flags override the file. Module paths are made
 * absolute: the file's relative to the file, the flag's to the working folder.
 */
export function applyFlags(raw: Json, flags: ConfigFlags, file: string): Json {
  const run = section(raw.run);
  if (Array.isArray(run.problems))
    run.problems = run.problems.map((p: unknown) =>
      typeof p === 'string' ? resolve(dirname(resolve(file)), p) : p,
    );
  // Another problem on the command line does not take the config's params for its own.
  if (flags.problem !== undefined && flags.problem !== run.problem) delete run.params;
  Object.assign(
    run,
    defined({
      problems: flags.problems?.map((p) => resolve(p)),
      problem: flags.problem,
      params: flags.params,
      population: flags.population,
      generations: flags.generations,
      seed: flags.seed,
      cxpb: flags.cxpb,
      mutpb: flags.mutpb,
      hallOfFame: flags.hallOfFame,
    }),
  );
  // An operator or algorithm named on the command line comes with its own defaults, not the
  // file's parameters for another one.
  const named = (field: string, name: string | undefined, extra: Json = {}) => {
    if (name === undefined) return;
    const current = section(run[field]);
    run[field] = current.name === name ? { ...current, ...extra } : { name, ...extra };
  };
  named('algorithm', flags.algorithm, defined({ lambda: flags.lambda }));
  if (flags.algorithm === undefined && flags.lambda !== undefined)
    run.algorithm = { ...section(run.algorithm), lambda: flags.lambda };
  named('selection', flags.selection);
  named('crossover', flags.crossover);
  named('mutation', flags.mutation);
  const stop = defined({
    targetFitness: flags.targetFitness,
    evaluations: flags.maxEvaluations,
    stagnation: flags.stagnation,
    timeMs: flags.timeLimit,
  });
  if (Object.keys(stop).length > 0) run.stop = { ...section(run.stop), ...stop };
  if (flags.costMs !== undefined || flags.costMode !== undefined || flags.costSigma !== undefined)
    run.cost = {
      ms: 0,
      ...section(run.cost),
      ...defined({ ms: flags.costMs, mode: flags.costMode, sigma: flags.costSigma }),
    };
  const dispatch = {
    ...section(raw.dispatch),
    ...defined({
      batchSize: flags.batchSize,
      concurrency: flags.concurrency,
      cache: flags.cache === false ? false : undefined,
    }),
  };
  return { ...raw, run, dispatch };
}

/** The config file (or the built-in default: one embedded target) with the flags applied. */
export async function configFor(flags: ConfigFlags): Promise<Config> {
  const file = flags.config ?? DEFAULT_CONFIG;
  const raw =
    flags.config !== undefined || existsSync(file)
      ? await readConfigFile(file)
      : { targets: { embedded: { type: 'embedded' } }, defaultTarget: 'embedded' };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ConfigError(file, [{ path: '/', message: 'must be a JSON object' }]);
  const result = validateConfig(applyFlags(raw as Json, flags, file));
  if (!result.ok) throw new ConfigError(file, result.issues);
  return result.config;
}

/** Flags that would make a resumed run another run, and the checkpoint's field each sets. */
const RUN_SHAPING: readonly [keyof ConfigFlags, string, string][] = [
  ['problem', '--problem', 'problem'],
  ['params', '--params', 'params'],
  ['population', '--population', 'population'],
  ['seed', '--seed', 'seed'],
  ['cxpb', '--cxpb', 'cxpb'],
  ['mutpb', '--mutpb', 'mutpb'],
  ['hallOfFame', '--hall-of-fame', 'hallOfFame'],
  ['algorithm', '--algorithm', 'algorithm.name'],
  ['lambda', '--lambda', 'algorithm.lambda'],
  ['selection', '--selection', 'selection.name'],
  ['crossover', '--crossover', 'crossover.name'],
  ['mutation', '--mutation', 'mutation.name'],
  ['targetFitness', '--target-fitness', 'stop.targetFitness'],
  ['maxEvaluations', '--max-evaluations', 'stop.evaluations'],
  ['stagnation', '--stagnation', 'stop.stagnation'],
  ['timeLimit', '--time-limit', 'stop.timeMs'],
];

/**
 * The flags given with `--resume` that would change the run the checkpoint holds (a value
 * equal to the recorded one changes nothing). `--generations` is not among them: it continues
 * the run to that many generations.
 */
export function flagsChangingTheRun(
  flags: ConfigFlags,
  recorded: Readonly<Record<string, unknown>>,
): string[] {
  const at = (path: string): unknown =>
    path
      .split('.')
      .reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], recorded) ??
    // A state records no algorithm for the default one.
    (path === 'algorithm.name' ? 'simple' : undefined);
  return RUN_SHAPING.filter(([field, , path]) => {
    const given = flags[field];
    if (given === undefined) return false;
    if (field === 'params')
      return (
        JSON.stringify({ ...(recorded.params as object), ...(given as object) }) !==
        JSON.stringify(recorded.params)
      );
    return given !== at(path);
  }).map(
    ([field, flag, path]) =>
      `${flag} ${JSON.stringify(flags[field])} (the checkpoint's: ${JSON.stringify(at(path)) ?? 'none'})`,
  );
}

/** `--workers N`: the old name of `--threads` (a worker is a fleet process), for one release. */
export const deprecatedWorkers = () =>
  new Option('--workers <n>', 'old name of --threads (deprecated)').argParser(integer(1));

/** The threads a command was given, by `--threads` or its old name (with a note on stderr). */
export function threadsOf(flags: { readonly threads?: number; readonly workers?: number }) {
  if (flags.workers !== undefined)
    process.stderr.write(
      `galapagos: warning: --workers is deprecated: use --threads (the threads of the evaluation pool; a worker is a fleet process)${flags.threads !== undefined ? '; --threads is used' : ''}\n`,
    );
  return flags.threads ?? flags.workers;
}
