import type { UserWorkspaceConfig } from 'vitest/config';

/**
 * Shared vitest preset: tests in `src/**\/*.test.ts` and `test/**\/*.test.ts`, type tests in `*.test-d.ts`,
 * mocks restored between tests, and a setup file that fails any test that writes to the console.
 */
export declare const preset: UserWorkspaceConfig;

/** What {@link definePackageConfig} reads from a package.json. */
export interface PackageIdentity {
  /** Becomes the vitest project name. */
  readonly name: string;
  /** Inlined as `__PACKAGE_VERSION__`, as the tsup build does. */
  readonly version: string;
}

/** The vitest config of one package: {@link preset} + its name + `__PACKAGE_VERSION__` (+ v8 coverage in CI). */
export declare function definePackageConfig(
  pkg: PackageIdentity,
  overrides?: UserWorkspaceConfig,
): UserWorkspaceConfig;
