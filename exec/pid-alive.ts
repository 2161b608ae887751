/** Whether a process id names a live process on this machine. */

/**
 * True when `pid` runs here: signal 0 reaches it, or it exists but belongs to another user
 * (EPERM). Says nothing of whether it is still the process that wrote the pid down.
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
