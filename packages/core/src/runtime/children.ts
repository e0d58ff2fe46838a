/**
 * Child processes started by fitness functions (external programs) inside worker threads.
 * Terminating a thread (an abandoned evaluation, a deadline) does not end the processes it
 * started, so each thread announces its children and the pool ends those of a thread it lost.
 */
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';

const CHANNEL = 'galapagos:child-processes';

interface ChildNotice {
  readonly thread: number;
  readonly pid: number;
  readonly alive: boolean;
}

let announcer: BroadcastChannel | undefined;

/** Tells the pool that this thread started (`alive`) or reaped a child process. */
export function announceChild(pid: number, alive: boolean): void {
  if (isMainThread) return;
  if (!announcer) {
    announcer = new BroadcastChannel(CHANNEL);
    announcer.unref();
  }
  announcer.postMessage({ thread: threadId, pid, alive } satisfies ChildNotice);
}

/** The pool's side: which threads have live children, and ending them. */
export interface ChildWatch {
  /** Kills (SIGKILL) every live child process of a thread that is gone. */
  killChildrenOf(thread: number): void;
  close(): void;
}

export function watchChildren(): ChildWatch {
  const byThread = new Map<number, Set<number>>();
  // A notice may arrive after its thread was lost: such children are ended on arrival.
  const gone = new Set<number>();
  // Programs run as process-group leaders (see command.ts): the group goes with them.
  const kill = (pid: number) => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const channel = new BroadcastChannel(CHANNEL);
  channel.unref();
  channel.onmessage = (event) => {
    const { thread, pid, alive } = (event as { data: ChildNotice }).data;
    let pids = byThread.get(thread);
    if (alive && gone.has(thread)) kill(pid);
    else if (alive) {
      if (!pids) {
        pids = new Set();
        byThread.set(thread, pids);
      }
      pids.add(pid);
    } else pids?.delete(pid);
  };
  return {
    killChildrenOf(thread) {
      for (const pid of byThread.get(thread) ?? []) kill(pid);
      byThread.delete(thread);
      gone.add(thread);
    },
    close: () => channel.close(),
  };
}
