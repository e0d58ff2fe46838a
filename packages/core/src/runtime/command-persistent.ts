/**
 * `mode: 'persistent'`: one program per pool thread, started once and kept alive, so a
 * simulator pays its start-up (an interpreter, imports, a model to load) once, not per genome.
 *
 * The protocol: the program gets its parameters in GALAPAGOS_PARAMS. For each evaluation it
 * reads one line on stdin, the genome as JSON (as `mode: 'genome'` gets it), and writes one
 * line on stdout: the fitness as a JSON number (an array of numbers for several objectives),
 * or `{"error": "message"}` to fail that genome. Any other stdout line is the program's log:
 * passed on to stderr, never taken as an answer. A program that exits fails the genome it had
 * and is started again for the next one; one past its deadline is ended with its thread.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Genome } from '../genome.js';
import type { Fitness } from '../problems/types.js';
import { killGroup, type ProgramSpec, programEnv, tail } from './command-run.js';

const STDERR_TAIL = 2000;
/** How long closing waits for the program to be reaped. */
const REAP_WAIT_MS = 1000;

/** A line of stdout as an answer, or undefined when it is a log line. */
function answerOf(line: string): { fitness: Fitness } | { error: string } | undefined {
  const text = line.trim();
  if (text === '' || !/^[-\d[{]/.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return { fitness: value };
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v))
  )
    return { fitness: value as number[] };
  if (typeof value === 'object' && value !== null && 'error' in value)
    return { error: String((value as { error: unknown }).error) };
  return undefined;
}

interface Waiting {
  resolve(fitness: Fitness): void;
  reject(error: Error): void;
}

export class PersistentProgram {
  private child: ChildProcessWithoutNullStreams | undefined;
  private waiting: Waiting | undefined;
  private stderr = '';
  /** Evaluations queue here: the program answers one genome at a time. */
  private turn: Promise<unknown> = Promise.resolve();
  private readonly name: string;

  constructor(
    private readonly spec: ProgramSpec,
    private readonly params: Record<string, unknown>,
  ) {
    this.name = spec.command.join(' ');
  }

  /** The fitness of one genome, from the running program (started if it is not). */
  evaluate(genome: Genome): Promise<Fitness> {
    const next = this.turn.then(() => this.ask(genome));
    this.turn = next.catch(() => {});
    return next;
  }

  /** Ends the program (its process group) and waits until it is reaped. */
  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    killGroup(child.pid);
    await Promise.race([exited, sleep(REAP_WAIT_MS)]);
  }

  private ask(genome: Genome): Promise<Fitness> {
    const child = this.child ?? this.start();
    return new Promise<Fitness>((resolve, reject) => {
      this.waiting = { resolve, reject };
      child.stdin.write(`${JSON.stringify(genome)}\n`);
    });
  }

  private start(): ChildProcessWithoutNullStreams {
    const [program, ...args] = this.spec.command;
    // Its own process group: ending the evaluation ends whatever the program started too.
    const child = spawn(program, args, {
      cwd: this.spec.cwd ?? process.cwd(),
      env: programEnv(this.spec, this.params),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    this.stderr = '';
    child.stdin.on('error', () => {});
    createInterface({ input: child.stdout }).on('line', (line) => {
      const answer = answerOf(line);
      const waiting = this.waiting;
      if (answer === undefined || waiting === undefined) {
        process.stderr.write(`[${this.name}] ${line}\n`);
        return;
      }
      this.waiting = undefined;
      if ('error' in answer) waiting.reject(new Error(`${this.name}: ${answer.error}`));
      else waiting.resolve(answer.fitness);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL);
      process.stderr.write(chunk);
    });
    const gone = (why: string) => {
      if (this.child === child) this.child = undefined;
      const waiting = this.waiting;
      this.waiting = undefined;
      const said = this.stderr.trim() ? `; stderr: ${tail(this.stderr)}` : '';
      waiting?.reject(new Error(`${this.name} ${why} while evaluating a genome${said}`));
    };
    child.once('error', (error) => gone(`could not start (${error.message})`));
    child.once('exit', (code, signal) =>
      gone(signal ? `was ended by ${signal}` : `exited with code ${code}`),
    );
    return child;
  }
}
