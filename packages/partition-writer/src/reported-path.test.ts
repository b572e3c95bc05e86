import { describe, expect, it } from 'vitest';
import { UnifiedError } from '@unified/schemas';
import { reportedAs } from './reported-path.js';

describe('reportedAs', () => {
  it('names the final file wherever the message names the written one, keeping code and cause', () => {
    const error = new UnifiedError({ code: 'WRITE_FAILED', message: '/d/.x.tmp-1: the Parquet writer failed: ENOSPC (/d/.x.tmp-1)' });
    const shown = reportedAs(error, '/d/.x.tmp-1', '/d/x.parquet');
    expect(shown).toMatchObject({ code: 'WRITE_FAILED', message: '/d/x.parquet: the Parquet writer failed: ENOSPC (/d/x.parquet)', cause: error });
  });

  it('passes on anything else unchanged', () => {
    const other = new UnifiedError({ code: 'ABORTED', message: 'stopped' });
    const plain = new Error('/d/.x.tmp-1 gone');
    expect(reportedAs(other, '/d/.x.tmp-1', '/d/x.parquet')).toBe(other);
    expect(reportedAs(plain, '/d/.x.tmp-1', '/d/x.parquet')).toBe(plain);
  });
});
