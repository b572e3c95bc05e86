import { describe, expect, it } from 'vitest';
import { PROCESS_STARTED_MS, isProcessAlive } from './process-identity.js';

describe('process identity', () => {
  it('knows the running process and its start time, and a process id that cannot exist', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(2 ** 22 + 7)).toBe(false);
    expect(PROCESS_STARTED_MS).toBeLessThanOrEqual(Date.now());
    expect(Date.now() - PROCESS_STARTED_MS).toBeLessThan(process.uptime() * 1000 + 1000);
  });
});
