/** One run of an external program: input on stdin, its stdout back (genome and batch modes). */
import { spawn } from 'node:child_process';

const STDERR_TAIL = 2000;
const STDOUT_LIMIT = 16 * 1024 * 1024;

/** The last lines of a program's output, for messages. */
export const tail = (text: string, lines = 5) =>
  text.trimEnd().split('\n').slice(-lines).join('\n');

/** What starting a program needs. */
export interface ProgramSpec {
  readonly command: readonly [string, ...string[]];
  readonly cwd?: string | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
}

/** The program's environment: ours, its own, and its parameters as GALAPAGOS_PARAMS. */
export const programEnv = (spec: ProgramSpec, params: Record<string, unknown>) => ({
  ...process.env,
  ...spec.env,
  GALAPAGOS_PARAMS: JSON.stringify(params),
});

/** SIGKILL to a program's whole process group. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * Runs the program once with `input` on stdin; its stdout. Its deadline (`timeoutMs` per
 * genome) is kept by the pool, which ends the program with the evaluation.
 */
export function runProgram(
  spec: ProgramSpec,
  params: Record<string, unknown>,
  input: string,
): Promise<string> {
  const [program, ...args] = spec.command;
  return new Promise<string>((done, fail) => {
    // Its own process group, so that a deadline or an abandoned evaluation ends whatever the
    // program started too (a shell's children hold its output open).
    const child = spawn(program, args, {
      cwd: spec.cwd ?? process.cwd(),
      env: programEnv(spec, params),
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
    const command = spec.command.join(' ');
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
