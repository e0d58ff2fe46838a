/**
 * An external program as the fitness: a Python simulator, a compiled solver, anything that
 * reads a genome on stdin and prints its fitness.
 */
import type { Genome, GenomeSpec } from '../genome.js';
import { withDefaults } from '../problems/params.js';
import type { Objective, ParamsSchema, ProblemDefinition } from '../problems/types.js';
import { PersistentProgram } from './command-persistent.js';
import { runProgram, tail } from './command-run.js';
import { sourceOf } from './command-source.js';

export interface CommandProblemOptions {
  readonly id: string;
  readonly title?: string;
  readonly description?: string;
  /** Parameters (TypeBox or plain JSON Schema); the program gets them as GALAPAGOS_PARAMS. */
  readonly params?: ParamsSchema;
  /** The genomes, fixed or from the parameters. */
  readonly genome: GenomeSpec | ((params: Record<string, unknown>) => GenomeSpec);
  readonly objective: Objective;
  readonly optimum?: number;
  /**
   * The program and its arguments, fixed here (never chosen by a request), run without a
   * shell. Arguments naming files in `cwd` (the script) enter the fingerprint.
   */
  readonly command: readonly [string, ...string[]];
  /** Working directory; default: the current one. `import.meta.dirname` is the usual choice. */
  readonly cwd?: string;
  /** Longest one evaluation may run, ms (default 60 000); the program is then killed. */
  readonly timeoutMs?: number;
  /**
   * `genome` (default): one process per genome, the genome as JSON on stdin, one number on
   * stdout. `batch`: one process per chunk, a JSON array of genomes in, a JSON array out
   * (`{"error": "..."}` in a genome's place fails it alone). `persistent`: one process per
   * pool thread, kept alive; one genome per line in, one answer per line out (see
   * `command-persistent.ts`): the start-up is paid once.
   */
  readonly mode?: 'genome' | 'batch' | 'persistent';
  /**
   * More files the fitness depends on, as globs relative to `cwd` (data, models, code in
   * other folders): they enter the fingerprint with the command's own files and every file
   * with their extension beside them.
   */
  readonly files?: readonly string[];
  /** Extra environment for the program. */
  readonly env?: Readonly<Record<string, string>>;
}

/** The number a program printed: its last non-empty line. */
function parseNumber(stdout: string, command: string): number {
  const last = stdout.trim().split('\n').pop()?.trim() ?? '';
  const value = last === '' ? Number.NaN : Number(last);
  if (!Number.isFinite(value))
    throw new Error(
      `${command} printed ${JSON.stringify(last.slice(0, 200))}, not a finite number (the last line of stdout must be the fitness)`,
    );
  return value;
}

/** A persistent program's instance: its fitness asks the program, `close` ends it. */
function persistent(options: CommandProblemOptions, params: Record<string, unknown>) {
  const program = new PersistentProgram(options, params);
  return { fitness: (g: Genome) => program.evaluate(g), close: () => program.close() };
}

/**
 * A problem whose fitness is an external program (see {@link CommandProblemOptions}). A
 * non-zero exit, a timeout or output that is not a number fails the evaluation with the last
 * lines of the program's stderr; the pool ends the programs of an abandoned evaluation.
 */
export function defineCommandProblem(options: CommandProblemOptions): ProblemDefinition {
  const params: ParamsSchema = options.params ?? {
    type: 'object',
    properties: {},
    additionalProperties: false,
  };
  const command = options.command.join(' ');
  const { timeoutMs, mode = 'genome' } = options;
  if (!['genome', 'batch', 'persistent'].includes(mode))
    throw new RangeError(
      `problem "${options.id}": mode must be "genome", "batch" or "persistent", got ${JSON.stringify(mode)}`,
    );
  if (
    timeoutMs !== undefined &&
    !(Number.isInteger(timeoutMs) && timeoutMs >= 1 && timeoutMs <= 2_147_483_647)
  )
    throw new RangeError(
      `problem "${options.id}": timeoutMs must be an integer from 1 to 2147483647 ms, got ${timeoutMs}`,
    );
  return {
    id: options.id,
    title: options.title ?? options.id,
    description: options.description ?? `Fitness computed by \`${command}\`.`,
    params,
    source: sourceOf(options),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    instantiate: (given) => {
      const values = withDefaults(params, given) as Record<string, unknown>;
      const genome = typeof options.genome === 'function' ? options.genome(values) : options.genome;
      return {
        genome,
        objective: options.objective,
        ...(options.optimum === undefined ? {} : { optimum: options.optimum }),
        ...(options.mode === 'persistent'
          ? persistent(options, values)
          : {
              fitness: async (g: Genome) =>
                parseNumber(await runProgram(options, values, JSON.stringify(g)), command),
            }),
        ...(options.mode === 'batch'
          ? {
              fitnessBatch: async (genomes: Genome[]) => {
                const out = await runProgram(options, values, JSON.stringify(genomes));
                let parsed: unknown;
                try {
                  parsed = JSON.parse(out);
                } catch {
                  throw new Error(
                    `${command} printed ${JSON.stringify(tail(out, 1).slice(0, 200))}, not a JSON array of numbers`,
                  );
                }
                if (!Array.isArray(parsed))
                  throw new Error(`${command} did not print a JSON array`);
                // `{"error": "..."}` in a genome's place fails that genome alone.
                return parsed.map((entry: unknown) =>
                  typeof entry === 'object' && entry !== null && 'error' in entry
                    ? new Error(`${command}: ${String((entry as { error: unknown }).error)}`)
                    : (entry as number),
                );
              },
            }
          : {}),
      };
    },
  };
}
