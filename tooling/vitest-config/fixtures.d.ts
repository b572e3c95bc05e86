/**
 * Absolute path of the real exchange fixtures (`../shared/fixtures/real` beside the repository, or
 * `UNIFIED_FIXTURES_DIR`), or `null` when they are absent. Throws when they are absent and
 * `UNIFIED_REQUIRE_FIXTURES=1` is set (as `.ci/run` does). Writes a one-line notice to stderr on the first miss.
 */
export declare function realFixturesDir(): string | null;

/**
 * A `describe` block that needs the real fixtures: runs `factory(dir)` when they exist, otherwise registers a
 * skipped suite whose title says why (and fails under `UNIFIED_REQUIRE_FIXTURES=1`).
 */
export declare function describeWithRealFixtures(name: string, factory: (dir: string) => void): void;
