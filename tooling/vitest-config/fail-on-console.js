// Any console output during a test fails that test: libraries must report through return values and errors,
// and the CLI through its injected stdout/stderr, never through stray console calls.
import { format } from 'node:util';
import { afterEach, beforeEach, vi } from 'vitest';

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'];
let calls = [];

beforeEach(() => {
  calls = [];
  for (const method of METHODS) {
    vi.spyOn(console, method).mockImplementation((...args) => {
      calls.push(`console.${method}: ${format(...args)}`);
    });
  }
});

afterEach(() => {
  if (calls.length > 0) {
    const first = calls[0];
    calls = [];
    throw new Error(`test wrote to the console (${first.slice(0, 500)})`);
  }
});
