/** Whether process `pid` exists, running or a zombie not reaped yet. */
export function exists(pid: number): boolean;
