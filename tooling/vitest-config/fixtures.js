// Locates the real exchange fixtures (../shared/fixtures/real next to the repository). A user's fresh clone
// does not have them: suites that need them are skipped with a visible reason. CI sets
// UNIFIED_REQUIRE_FIXTURES=1, which turns the skip into a failure so those suites always run there.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
let noticeWritten = false;

// A clone of a local checkout (git clone /path/to/repo) finds the fixtures beside that checkout.
function originCheckoutDir() {
  try {
    const url = execFileSync('git', ['config', '--get', 'remote.origin.url'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const path = url.startsWith('file://') ? new URL(url).pathname : url;
    return isAbsolute(path) ? path : null;
  } catch {
    return null;
  }
}

let candidates;
function candidateDirs() {
  if (process.env.UNIFIED_FIXTURES_DIR) return [resolve(process.env.UNIFIED_FIXTURES_DIR)];
  if (candidates === undefined) {
    const beside = (root) => resolve(root, '..', 'shared', 'fixtures', 'real');
    const origin = originCheckoutDir();
    candidates = origin === null ? [beside(repoRoot)] : [beside(repoRoot), beside(origin)];
  }
  return candidates;
}

function configuredDir() {
  return candidateDirs()[0];
}

function fixturesRequired() {
  const value = process.env.UNIFIED_REQUIRE_FIXTURES;
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

export function realFixturesDir() {
  const found = candidateDirs().find((candidate) => existsSync(resolve(candidate, 'SOURCES.md')));
  if (found !== undefined) return found;
  const dir = configuredDir();
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
