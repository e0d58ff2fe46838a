/**
 * An external program as the fitness: a Python simulator, a compiled solver, anything that
 * reads a genome on stdin and prints its fitness.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Genome, GenomeSpec } from '../genome.js';
import { withDefaults } from '../problems/params.js';
import type { Objective, ParamsSchema, ProblemDefinition } from '../problems/types.js';

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
   * stdout. `batch`: one process per chunk, a JSON array of genomes in, a JSON array out.
   */
  readonly mode?: 'genome' | 'batch';
  /** Extra environment for the program. */
  readonly env?: Readonly<Record<string, string>>;
}

const STDERR_TAIL = 2000;
const STDOUT_LIMIT = 16 * 1024 * 1024;

const tail = (text: string, lines = 5) => text.trimEnd().split('\n').slice(-lines).join('\n');

/** Runs the program once with `input` on stdin; its stdout. */
function run(options: CommandProblemOptions, params: Record<string, unknown>, input: string) {
  const [program, ...args] = options.command;
  // Its deadline (`timeoutMs` per genome) is kept by the pool, which ends the program with
  // the evaluation.
  return new Promise<string>((done, fail) => {
    // Its own process group, so that a deadline or an abandoned evaluation ends whatever the
    // program started too (a shell's children hold its output open).
    const child = spawn(program, args, {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, ...options.env, GALAPAGOS_PARAMS: JSON.stringify(params) },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const pid = child.pid;
    let ended: string | undefined;
    const end = (why: string) => {
      ended ??= why;
      if (pid !== undefined) killGroup(pid);
    };
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.length > STDOUT_LIMIT)
        end(`printed more than ${STDOUT_LIMIT} bytes and was killed`);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    // A program that exits without reading its input must not fail the write.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
    const command = options.command.join(' ');
    child.once('error', (error) => {
      fail(new Error(`${command} could not start: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      const said = stderr.trim() ? `; stderr: ${tail(stderr)}` : '';
      if (ended) fail(new Error(`${command} ${ended}${said}`));
      else if (signal) fail(new Error(`${command} was ended by ${signal}${said}`));
      else if (code !== 0) fail(new Error(`${command} exited with code ${code}${said}`));
      else done(stdout);
    });
  });
}

/** SIGKILL to a program's whole process group. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
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

/** Hash of the program's files (the arguments naming files under `cwd`), for the fingerprint. */
function sourceOf(options: CommandProblemOptions): string {
  const hash = createHash('sha256').update(JSON.stringify(options.command));
  for (const arg of options.command.slice(1)) {
    const file = resolve(options.cwd ?? process.cwd(), arg);
    if (existsSync(file) && statSync(file).isFile()) hash.update(readFileSync(file));
  }
  return `command ${options.command.join(' ')} ${hash.digest('hex')}`;
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
  const { timeoutMs } = options;
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
        fitness: async (g: Genome) =>
          parseNumber(await run(options, values, JSON.stringify(g)), command),
        ...(options.mode === 'batch'
          ? {
              fitnessBatch: async (genomes: Genome[]) => {
                const out = await run(options, values, JSON.stringify(genomes));
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
