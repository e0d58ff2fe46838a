// Processes as the tests see them: whether one exists at all (a <defunct> one still does).
import { readFileSync } from 'node:fs';

/** Whether process `pid` exists, running or a zombie not reaped yet. */
export function exists(pid) {
  try {
    readFileSync(`/proc/${pid}/stat`);
    return true;
  } catch {
    return false;
  }
}
