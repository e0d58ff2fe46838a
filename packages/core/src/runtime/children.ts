/**
 * Child processes started inside worker threads: external programs (command problems) and
 * whatever a JavaScript fitness starts itself. Terminating a thread (an abandoned evaluation,
 * a deadline) neither ends the processes it started nor reaps them (a process is reaped by
 * the event loop of the thread that started it), so each thread announces its children and
 * the pool ends them: while the thread can still reap them (see `endChunk`), and again when
 * the thread is gone.
 */
import { ChildProcess } from 'node:child_process';
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';

const CHANNEL = 'galapagos:child-processes';

interface ChildNotice {
  readonly thread: number;
  readonly pid: number;
  readonly alive: boolean;
  /** The child leads its own process group (spawned `detached`): the group is ended with it. */
  readonly group: boolean;
}

let announcer: BroadcastChannel | undefined;

/** Tells the pool that this thread started (`alive`) or reaped a child process. */
function announceChild(pid: number, alive: boolean, group: boolean): void {
  if (isMainThread) return;
  if (!announcer) {
    announcer = new BroadcastChannel(CHANNEL);
    announcer.unref();
  }
  announcer.postMessage({ thread: threadId, pid, alive, group } satisfies ChildNotice);
}

let tracking = false;

/**
 * In a worker thread: announces every child process the thread starts (`spawn`, `exec`,
 * `execFile`, `fork` all go through `ChildProcess.prototype.spawn`) and reaps. Each thread has
 * its own copy of `node:child_process`, so this changes nothing elsewhere.
 */
export function trackChildProcesses(): void {
  if (isMainThread || tracking) return;
  tracking = true;
  // Not in Node's typings, but the one method every way of starting a process goes through.
  const prototype = ChildProcess.prototype as unknown as {
    spawn(this: ChildProcess, options: { detached?: boolean }): unknown;
  };
  const spawn = prototype.spawn;
  prototype.spawn = function (this: ChildProcess, options) {
    const result = spawn.call(this, options);
    const pid = this.pid;
    if (pid !== undefined) {
      const group = options.detached === true;
      announceChild(pid, true, group);
      this.once('exit', () => announceChild(pid, false, group));
    }
    return result;
  };
}

/** The pool's side: which threads have live children, and ending them. */
export interface ChildWatch {
  /** Kills (SIGKILL) a live thread's children now; returns how many it has not reaped yet. */
  killChildrenNow(thread: number): number;
  /** Kills every live child process of a thread that is gone. */
  killChildrenOf(thread: number): void;
  /** Kills every child still announced, and stops listening. */
  close(): void;
}

export function watchChildren(): ChildWatch {
  const byThread = new Map<number, Map<number, boolean>>();
  // A notice may arrive after its thread was lost: such children are ended on arrival.
  const gone = new Set<number>();
  const kill = (pid: number, group: boolean) => {
    try {
      process.kill(group ? -pid : pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const channel = new BroadcastChannel(CHANNEL);
  channel.unref();
  channel.onmessage = (event) => {
    const { thread, pid, alive, group } = (event as { data: ChildNotice }).data;
    let pids = byThread.get(thread);
    if (alive && gone.has(thread)) kill(pid, group);
    else if (alive) {
      if (!pids) {
        pids = new Map();
        byThread.set(thread, pids);
      }
      pids.set(pid, group);
    } else pids?.delete(pid);
  };
  const killAll = (thread: number) => {
    for (const [pid, group] of byThread.get(thread) ?? []) kill(pid, group);
  };
  return {
    killChildrenNow(thread) {
      killAll(thread);
      return byThread.get(thread)?.size ?? 0;
    },
    killChildrenOf(thread) {
      killAll(thread);
      byThread.delete(thread);
      gone.add(thread);
    },
    close: () => {
      for (const thread of byThread.keys()) killAll(thread);
      channel.close();
    },
  };
}
