// Plain JavaScript so every package's vitest.config.ts can import it without a build step.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineProject, mergeConfig } from 'vitest/config';

const require = createRequire(import.meta.url);
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';

/** The preset shared by every package; see index.d.ts for what each setting is for. */
export const preset = defineProject({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    restoreMocks: true,
    setupFiles: [fileURLToPath(new URL('./fail-on-console.js', import.meta.url))],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    typecheck: {
      enabled: true,
      include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});

/**
 * The vitest config of one package: the preset, the package's name as project name, and
 * `__PACKAGE_VERSION__` defined as tsup defines it in the build.
 */
export function definePackageConfig(pkg, overrides = {}) {
  return mergeConfig(
    mergeConfig(preset, {
      define: { __PACKAGE_VERSION__: JSON.stringify(pkg.version) },
      test: {
        name: pkg.name,
        coverage: {
          enabled: inCi,
          // Resolved from this package so no other package has to depend on the provider.
          provider: 'custom',
          customProviderModule: require.resolve('@vitest/coverage-v8'),
          include: ['src/**'],
          exclude: ['src/**/*.test.ts', 'src/**/*.test-d.ts', 'src/index.ts', 'test/**'],
          reporter: ['text-summary', 'json-summary'],
        },
      },
    }),
    overrides,
  );
}
