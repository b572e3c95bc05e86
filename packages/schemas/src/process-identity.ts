/**
 * Who the current process is, for files that record their owner (staging folders, lock files): a process id
 * alone is reused (a container restarts under the same pid), so the process start time goes with it.
 */

/** When this process started, ms since the epoch (rounded; the same value for the whole process). */
export const PROCESS_STARTED_MS = Math.round(Date.now() - process.uptime() * 1000);

/** Whether a process with id `pid` runs on this host (one we may not signal counts as running). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
