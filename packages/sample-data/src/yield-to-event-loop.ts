import { setImmediate } from 'node:timers/promises';

/**
 * Lets pending I/O, timers and signal handlers run between two CPU-bound batches, so a long generation
 * stays responsive to an abort or Ctrl-C.
 */
export async function yieldToEventLoop(): Promise<void> {
  await setImmediate();
}
