// Locates the real exchange fixtures (../shared/fixtures/real next to the repository). A user's fresh clone
// does not have them: suites that need them are skipped with a visible reason. CI sets
// UNIFIED_REQUIRE_FIXTURES=1, which turns the skip into a failure so those suites always run there.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
let noticeWritten = false;

function configuredDir() {
  return process.env.UNIFIED_FIXTURES_DIR
    ? resolve(process.env.UNIFIED_FIXTURES_DIR)
    : resolve(repoRoot, '..', 'shared', 'fixtures', 'real');
}

function fixturesRequired() {
  const value = process.env.UNIFIED_REQUIRE_FIXTURES;
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

export function realFixturesDir() {
  const dir = configuredDir();
  if (existsSync(resolve(dir, 'SOURCES.md'))) return dir;
  if (fixturesRequired()) {
    throw new Error(
      `UNIFIED_REQUIRE_FIXTURES is set but the real fixtures are missing: expected ${dir}/SOURCES.md ` +
        '(set UNIFIED_FIXTURES_DIR to their location)',
    );
  }
  if (!noticeWritten) {
    noticeWritten = true;
    process.stderr.write(
      `[unified] real fixtures not found at ${dir}: suites that need them are skipped ` +
        '(set UNIFIED_FIXTURES_DIR to run them)\n',
    );
  }
  return null;
}

export function describeWithRealFixtures(name, factory) {
  const dir = realFixturesDir();
  if (dir === null) {
    describe.skip(`${name} [skipped: real fixtures not found at ${configuredDir()}]`, () => {
      it('needs ../shared/fixtures/real', () => undefined);
    });
    return;
  }
  describe(name, () => factory(dir));
}
